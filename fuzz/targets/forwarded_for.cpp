// The client address behind per-client limits (http::TrustedProxies::client_address): the
// operator's trusted proxy list (http::IpNetwork::parse), the TCP peer and the X-Forwarded-For
// fields a stranger sends, each entry read by http::parse_forwarded_entry and
// http::parse_ip_address. The input chooses up to three proxy entries, the peer and up to four
// header fields. Beyond "no crash, no leak, no undefined behaviour":
//  - a refused proxy list names the entry it refused;
//  - an address reads back from its text form (IpAddress::to_string) as the same address, and a
//    network contains its own base address;
//  - the client is the peer as given when the peer is no address; else an address in canonical
//    form, the peer itself unless the peer is trusted, and otherwise an address that one of the
//    X-Forwarded-For entries names.
#include <fuzzer/FuzzedDataProvider.h>

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "fuzz_support.hpp"
#include "http/ip_network.hpp"
#include "http/trusted_proxies.hpp"

namespace {

using bmcp::fuzz::require;
namespace http = bmcp::http;

void check_address_text(std::string_view text) {
  const auto address = http::parse_ip_address(text);
  if (!address)
    return;
  const auto written = address->to_string();
  require(http::parse_ip_address(written) == address, "an address reads back from its text");
}

void check_network_text(std::string_view text) {
  const auto network = http::IpNetwork::parse(text);
  if (!network) {
    require(network.error().find(std::string(text)) != std::string::npos,
            "a refused network names the entry");
    return;
  }
  const auto base = http::parse_ip_address(text.substr(0, text.find('/')));
  require(base && network->contains(*base), "a network contains its base address");
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  FuzzedDataProvider input(data, size);
  std::vector<std::string> entries;
  for (int n = input.ConsumeIntegralInRange<int>(0, 3); n > 0; --n)
    entries.push_back(input.ConsumeRandomLengthString(48));
  for (const auto& entry : entries) {
    check_address_text(entry);
    check_network_text(entry);
  }
  auto proxies = http::TrustedProxies::parse(entries);
  if (!proxies) {
    require(std::any_of(entries.begin(), entries.end(),
                        [&](const std::string& entry) {
                          return proxies.error().find("'" + entry + "'") != std::string::npos;
                        }),
            "a refused proxy list names the entry");
    proxies = http::TrustedProxies{};
  }

  http::HttpRequest request;
  request.remote_address = input.ConsumeRandomLengthString(48);
  std::vector<std::string> forwarded;
  for (int n = input.ConsumeIntegralInRange<int>(0, 4); n > 0; --n) {
    const bool other_case = input.ConsumeBool();
    forwarded.push_back(input.ConsumeRandomLengthString(96));
    request.headers.add(other_case ? "x-forwarded-for" : "X-Forwarded-For", forwarded.back());
  }
  if (input.ConsumeBool())
    request.headers.add("X-Real-IP", input.ConsumeRandomLengthString(32));

  const auto client = proxies->client_address(request);
  const auto& peer_text = request.remote_address;
  const auto peer =
      http::parse_ip_address(std::string_view(peer_text).substr(0, peer_text.find('%')));
  if (!peer) {
    require(client == peer_text, "a peer that is no address is the client as given");
    return 0;
  }
  const auto address = http::parse_ip_address(client);
  require(address && address->to_string() == client, "the client is an address in canonical form");
  if (*address == *peer)
    return 0;
  require(proxies->trusts(*peer), "the client is the peer unless the peer is a trusted proxy");
  bool named = false;
  for (const auto& field : forwarded) {
    std::string_view rest = field;
    for (;;) {
      const auto comma = rest.find(',');
      named = named || http::parse_forwarded_entry(rest.substr(0, comma)) == address;
      if (comma == std::string_view::npos)
        break;
      rest.remove_prefix(comma + 1);
    }
  }
  require(named, "a forwarded client is named by an X-Forwarded-For entry");
  return 0;
}
