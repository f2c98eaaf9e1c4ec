#include "fetch/address_policy.hpp"

#include <algorithm>
#include <cctype>
#include <charconv>

namespace bmcp::fetch {

namespace {

struct Block {
  const char* network;
  const char* reason;
};

// IPv4 blocks (RFC 6890 and its updates) that are not the public internet. IPv4 addresses are
// held in their mapped form, so each block applies to ::ffff:a.b.c.d too.
constexpr Block kV4Blocks[] = {
    {"0.0.0.0/8", "an unspecified (\"this network\") address"},
    {"10.0.0.0/8", "a private address"},
    {"100.64.0.0/10", "a shared (carrier-grade NAT) address"},
    {"127.0.0.0/8", "a loopback address"},
    {"169.254.0.0/16", "a link-local address"},
    {"172.16.0.0/12", "a private address"},
    {"192.0.0.0/24", "an IETF protocol assignment address"},
    {"192.0.2.0/24", "a documentation address"},
    {"192.168.0.0/16", "a private address"},
    {"198.18.0.0/15", "a benchmarking address"},
    {"198.51.100.0/24", "a documentation address"},
    {"203.0.113.0/24", "a documentation address"},
    {"224.0.0.0/4", "a multicast address"},
    {"240.0.0.0/4", "a reserved or broadcast address"},
};

// IPv6 blocks that are not the public internet, or that carry an IPv4 address which could be
// any of the above (IPv4-compatible, NAT64, 6to4).
constexpr Block kV6Blocks[] = {
    {"::/128", "an unspecified address"},         {"::1/128", "a loopback address"},
    {"::/96", "an IPv4-compatible address"},      {"64:ff9b::/96", "a NAT64 address"},
    {"64:ff9b:1::/48", "a NAT64 address"},        {"100::/64", "a discard-only address"},
    {"2001:db8::/32", "a documentation address"}, {"2002::/16", "a 6to4 address"},
    {"fc00::/7", "a unique-local address"},       {"fe80::/10", "a link-local address"},
    {"fec0::/10", "a site-local address"},        {"ff00::/8", "a multicast address"},
};

struct ParsedBlock {
  http::IpNetwork network;
  const char* reason;
};

template <std::size_t N>
std::vector<ParsedBlock> parse_blocks(const Block (&list)[N]) {
  std::vector<ParsedBlock> out;
  for (const auto& block : list)
    out.push_back({*http::IpNetwork::parse(block.network), block.reason});
  return out;
}

std::string lower(std::string_view text) {
  std::string out(text);
  for (auto& c : out)
    c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

// A DNS name: labels of letters, digits and '-', separated by dots.
bool is_host_name(std::string_view host) {
  if (host.empty() || host.size() > 253 || host.front() == '.' || host.back() == '.')
    return false;
  return std::all_of(host.begin(), host.end(), [](char c) {
    return std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '.';
  });
}

}  // namespace

std::optional<std::string> non_public_reason(const http::IpAddress& address) {
  // IPv4 addresses are held in their mapped form (::ffff:a.b.c.d): they are judged by the IPv4
  // blocks only, so that an IPv6 block such as ::/96 cannot be confused with them.
  static const auto v4 = parse_blocks(kV4Blocks);
  static const auto v6 = parse_blocks(kV6Blocks);
  for (const auto& block : address.is_v4() ? v4 : v6) {
    if (block.network.contains(address))
      return std::string(block.reason);
  }
  return std::nullopt;
}

Result<AllowList, std::string> AllowList::parse(const std::vector<std::string>& entries) {
  AllowList list;
  for (const auto& entry : entries) {
    if (auto network = http::IpNetwork::parse(entry)) {
      list.networks_.push_back(*network);
      continue;
    }
    std::string_view host = entry;
    std::optional<std::uint16_t> port;
    if (const auto colon = host.rfind(':'); colon != std::string_view::npos) {
      const auto digits = host.substr(colon + 1);
      unsigned value = 0;
      const auto [end, error] =
          std::from_chars(digits.data(), digits.data() + digits.size(), value);
      if (digits.empty() || error != std::errc() || end != digits.data() + digits.size() ||
          value == 0 || value > 65535) {
        return Unexpected{"'" + entry +
                          "' is not an address, a CIDR block or HOST[:PORT] (the port must be "
                          "1-65535)"};
      }
      port = static_cast<std::uint16_t>(value);
      host = host.substr(0, colon);
    }
    if (!is_host_name(host)) {
      return Unexpected{"'" + entry + "' is not an address, a CIDR block or HOST[:PORT]"};
    }
    list.hosts_.push_back({lower(host), port});
  }
  return list;
}

bool AllowList::allows(std::string_view host, std::uint16_t port,
                       const http::IpAddress& address) const {
  for (const auto& network : networks_) {
    if (network.contains(address))
      return true;
  }
  const auto name = lower(host);
  for (const auto& entry : hosts_) {
    if (entry.host == name && (!entry.port || *entry.port == port))
      return true;
  }
  return false;
}

}  // namespace bmcp::fetch
