#include "http/trusted_proxies.hpp"

#include <algorithm>
#include <charconv>

#include "http/types.hpp"

namespace bmcp::http {
namespace {

constexpr std::string_view kForwardedFor = "X-Forwarded-For";

bool is_port(std::string_view text) {
  unsigned port = 0;
  const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), port);
  return !text.empty() && error == std::errc() && end == text.data() + text.size() && port <= 65535;
}

// Every X-Forwarded-For field's entries, in the order the proxies appended them.
std::vector<std::string_view> forwarded_entries(const Headers& headers) {
  std::vector<std::string_view> entries;
  for (const auto& [name, value] : headers.fields()) {
    if (!iequals(name, kForwardedFor))
      continue;
    std::string_view rest = value;
    for (;;) {
      const auto comma = rest.find(',');
      entries.push_back(rest.substr(0, comma));
      if (comma == std::string_view::npos)
        break;
      rest.remove_prefix(comma + 1);
    }
  }
  return entries;
}

// The peer as Asio writes it; a link-local IPv6 peer carries its zone ("fe80::1%eth0").
std::optional<IpAddress> parse_peer(std::string_view peer) {
  return parse_ip_address(peer.substr(0, peer.find('%')));
}

}  // namespace

std::optional<IpAddress> parse_forwarded_entry(std::string_view entry) {
  entry = trim(entry);
  if (entry.starts_with('[')) {
    const auto close = entry.find(']');
    if (close == std::string_view::npos)
      return std::nullopt;
    const std::string_view after = entry.substr(close + 1);
    if (!after.empty() && !(after.starts_with(':') && is_port(after.substr(1))))
      return std::nullopt;
    auto address = parse_ip_address(entry.substr(1, close - 1));
    return address && !address->is_v4() ? address : std::nullopt;
  }
  if (auto address = parse_ip_address(entry))
    return address;
  // IPv4 with a port; an IPv6 address with a port must be bracketed.
  const auto colon = entry.find(':');
  if (colon == std::string_view::npos || entry.find(':', colon + 1) != std::string_view::npos ||
      !is_port(entry.substr(colon + 1))) {
    return std::nullopt;
  }
  auto address = parse_ip_address(entry.substr(0, colon));
  return address && address->is_v4() ? address : std::nullopt;
}

Result<TrustedProxies, std::string> TrustedProxies::parse(const std::vector<std::string>& entries) {
  std::vector<IpNetwork> networks;
  for (const auto& entry : entries) {
    auto network = IpNetwork::parse(entry);
    if (!network)
      return Unexpected{network.error()};
    networks.push_back(*network);
  }
  return TrustedProxies(std::move(networks));
}

bool TrustedProxies::trusts(const IpAddress& address) const {
  return std::any_of(networks_.begin(), networks_.end(),
                     [&address](const IpNetwork& network) { return network.contains(address); });
}

std::optional<IpAddress> TrustedProxies::forwarded_client(const Headers& headers) const {
  const auto entries = forwarded_entries(headers);
  std::optional<IpAddress> leftmost;
  for (auto it = entries.rbegin(); it != entries.rend(); ++it) {
    const auto address = parse_forwarded_entry(*it);
    if (!address)
      return std::nullopt;
    if (!trusts(*address))
      return address;
    leftmost = address;
  }
  return leftmost;
}

std::string TrustedProxies::client_address(const HttpRequest& request) const {
  const auto peer = parse_peer(request.remote_address);
  if (!peer)
    return request.remote_address;
  if (trusts(*peer)) {
    if (const auto client = forwarded_client(request.headers))
      return client->to_string();
  }
  return peer->to_string();
}

}  // namespace bmcp::http
