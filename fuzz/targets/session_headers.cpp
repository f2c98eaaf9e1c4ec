// The `Mcp-Session-Id` and `Last-Event-ID` headers (mcp::parse_session_id and
// mcp::parse_last_event_id): the server reads both from every /mcp request, the bridge the
// session id from the server's answer to initialize. Beyond "no crash, no leak, no undefined
// behaviour":
//  - a session id is accepted exactly when it is one or more visible ASCII characters, and is
//    then the header value itself;
//  - an event id is accepted exactly when the value is decimal digits that fit 64 bits, and
//    writing it back gives the value without leading zeros.
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <string>

#include "fuzz_support.hpp"
#include "mcp/session_ids.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using bmcp::fuzz::require;
  const auto text = bmcp::fuzz::as_text(data, size);

  const auto session = bmcp::mcp::parse_session_id(text);
  const bool visible = !text.empty() && std::all_of(text.begin(), text.end(),
                                                    [](char c) { return c >= 0x21 && c <= 0x7E; });
  require(session.has_value() == visible, "a session id is accepted exactly when visible ASCII");
  require(!session || (session->data() == text.data() && session->size() == text.size()),
          "an accepted session id is the header value");

  const auto event = bmcp::mcp::parse_last_event_id(text);
  const bool digits = !text.empty() && std::all_of(text.begin(), text.end(),
                                                   [](char c) { return c >= '0' && c <= '9'; });
  require(!event || digits, "an event id is decimal digits");
  if (event) {
    auto significant = text.substr(std::min(text.find_first_not_of('0'), text.size() - 1));
    require(std::to_string(*event) == significant, "an event id reads back as written");
  } else if (digits) {
    const auto significant = text.substr(std::min(text.find_first_not_of('0'), text.size()));
    require(significant.size() >= 20, "only event ids beyond 64 bits are refused");
  }
  return 0;
}
