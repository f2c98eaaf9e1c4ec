// The bridge's server URL (bridge::parse_server_url): `stdio --server URL`, from the command
// line or a client's configuration. Beyond "no crash, no leak, no undefined behaviour":
//  - a refusal says "invalid server URL" and why;
//  - an accepted URL has a host without blanks, control characters or bytes above 0x7E (it goes
//    into the Host header and to the resolver), a port from 1 to 65535, and a prefix that is
//    empty or starts with '/' and does not end with '/';
//  - the URL written back from what was read (base() + "/mcp") reads as the same server.
#include "bridge/server_url.hpp"

#include <algorithm>
#include <cstddef>
#include <cstdint>

#include "fuzz_support.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using bmcp::fuzz::require;
  const auto text = bmcp::fuzz::as_text(data, size);
  const auto url = bmcp::bridge::parse_server_url(text);
  if (!url) {
    require(url.error().starts_with("invalid server URL '"), "a refusal says what it refused");
    return 0;
  }
  require(!url->host.empty(), "a server URL has a host");
  require(
      std::all_of(url->host.begin(), url->host.end(), [](char c) { return c > 0x20 && c < 0x7F; }),
      "a host holds no blanks, control characters or bytes above 0x7E");
  require(url->port != 0, "a server URL has a port");
  require(url->prefix.empty() || (url->prefix.front() == '/' && url->prefix.back() != '/'),
          "a prefix is empty or starts with '/' and does not end with '/'");
  const auto again = bmcp::bridge::parse_server_url(url->base() + "/mcp");
  require(again.ok(), "a server URL written back is accepted");
  require(again->host == url->host && again->port == url->port && again->prefix == url->prefix,
          "a server URL written back names the same server");
  return 0;
}
