#include "http/ip_network.hpp"

#include <arpa/inet.h>

#include <charconv>
#include <cstring>

namespace bmcp::http {
namespace {

constexpr std::array<std::uint8_t, 12> kV4MappedPrefix{0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff};
constexpr unsigned kV4MappedBits = 96;

// True when the first `bits` bits of `a` and `b` agree.
bool same_prefix(const IpAddress& a, const IpAddress& b, unsigned bits) {
  const unsigned whole = bits / 8;
  if (std::memcmp(a.bytes.data(), b.bytes.data(), whole) != 0)
    return false;
  const unsigned rest = bits % 8;
  if (rest == 0)
    return true;
  const auto mask = static_cast<std::uint8_t>(0xff << (8 - rest));
  return (a.bytes[whole] & mask) == (b.bytes[whole] & mask);
}

bool only_prefix_bits(const IpAddress& address, unsigned bits) {
  IpAddress masked{};
  for (unsigned i = 0; i < 16; ++i) {
    const unsigned first_bit = i * 8;
    if (first_bit + 8 <= bits)
      masked.bytes[i] = address.bytes[i];
    else if (first_bit < bits)
      masked.bytes[i] =
          static_cast<std::uint8_t>(address.bytes[i] & (0xff << (8 - (bits - first_bit))));
  }
  return masked == address;
}

}  // namespace

bool IpAddress::is_v4() const {
  return std::memcmp(bytes.data(), kV4MappedPrefix.data(), kV4MappedPrefix.size()) == 0;
}

std::string IpAddress::to_string() const {
  char text[INET6_ADDRSTRLEN] = {};
  if (is_v4()) {
    ::inet_ntop(AF_INET, bytes.data() + kV4MappedPrefix.size(), text, sizeof text);
  } else {
    ::inet_ntop(AF_INET6, bytes.data(), text, sizeof text);
  }
  return text;
}

std::optional<IpAddress> parse_ip_address(std::string_view text) {
  // inet_pton needs a terminated string; anything longer than an address is not one.
  if (text.empty() || text.size() >= INET6_ADDRSTRLEN)
    return std::nullopt;
  const std::string terminated(text);
  IpAddress address;
  if (::inet_pton(AF_INET, terminated.c_str(), address.bytes.data() + kV4MappedPrefix.size()) ==
      1) {
    std::memcpy(address.bytes.data(), kV4MappedPrefix.data(), kV4MappedPrefix.size());
    return address;
  }
  if (::inet_pton(AF_INET6, terminated.c_str(), address.bytes.data()) == 1)
    return address;
  return std::nullopt;
}

Result<IpNetwork, std::string> IpNetwork::parse(std::string_view text) {
  const auto slash = text.find('/');
  const auto base = parse_ip_address(text.substr(0, slash));
  if (!base) {
    return Unexpected{"'" + std::string(text) + "' is not an IP address or CIDR block"};
  }
  const unsigned offset = base->is_v4() ? kV4MappedBits : 0;
  const unsigned width = base->is_v4() ? 32 : 128;
  if (slash == std::string_view::npos)
    return IpNetwork(*base, 128);
  const std::string_view digits = text.substr(slash + 1);
  unsigned prefix = 0;
  const auto [end, error] = std::from_chars(digits.data(), digits.data() + digits.size(), prefix);
  if (digits.empty() || error != std::errc() || end != digits.data() + digits.size() ||
      prefix > width) {
    return Unexpected{"'" + std::string(text) + "' has a prefix length outside 0-" +
                      std::to_string(width)};
  }
  if (!only_prefix_bits(*base, offset + prefix)) {
    return Unexpected{"'" + std::string(text) + "' has address bits set beyond its /" +
                      std::to_string(prefix) + " prefix"};
  }
  return IpNetwork(*base, offset + prefix);
}

bool IpNetwork::contains(const IpAddress& address) const {
  return same_prefix(base_, address, prefix_bits_);
}

}  // namespace bmcp::http
