#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "core/result.hpp"

namespace bmcp::http {

// An IPv4 or IPv6 address. IPv4 is held as its IPv4-mapped IPv6 form (::ffff:a.b.c.d), so an
// IPv4 peer seen through a dual-stack socket and the same address written as IPv4 are equal.
struct IpAddress {
  std::array<std::uint8_t, 16> bytes{};

  bool is_v4() const;
  // Dotted quad for IPv4 (also when it came as ::ffff:a.b.c.d), RFC 5952 text for IPv6: one
  // spelling per address, so it can key per-address state.
  std::string to_string() const;
  friend bool operator==(const IpAddress&, const IpAddress&) = default;
};

// A bare address: "192.0.2.1" or "2001:db8::1"; no brackets, port or zone. IPv4 must be four
// decimal parts without leading zeros (inet_pton), so "010.0.0.1" is refused, not read as
// octal.
std::optional<IpAddress> parse_ip_address(std::string_view text);

// An address block: "10.0.0.0/8", "2001:db8::/32", or one address ("192.0.2.7", a /32 or
// /128).
class IpNetwork {
 public:
  // The error says what is wrong with `text` (not an address, prefix out of range, bits set
  // beyond the prefix).
  static Result<IpNetwork, std::string> parse(std::string_view text);

  bool contains(const IpAddress& address) const;

 private:
  IpNetwork(IpAddress base, unsigned prefix_bits) : base_(base), prefix_bits_(prefix_bits) {}

  IpAddress base_;
  unsigned prefix_bits_;  // of the 128-bit (mapped) form
};

}  // namespace bmcp::http
