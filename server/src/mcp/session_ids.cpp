#include "mcp/session_ids.hpp"

#include <algorithm>
#include <charconv>

#include "core/random.hpp"

namespace bmcp::mcp {
namespace {

constexpr std::size_t kSessionIdBytes = 16;

}  // namespace

std::string new_session_id() {
  return random_hex(kSessionIdBytes);
}

std::optional<std::string_view> parse_session_id(std::string_view text) {
  const bool visible = std::all_of(text.begin(), text.end(), [](char c) {
    const auto byte = static_cast<unsigned char>(c);
    return byte >= 0x21 && byte <= 0x7E;
  });
  if (text.empty() || !visible)
    return std::nullopt;
  return text;
}

std::optional<std::uint64_t> parse_last_event_id(std::string_view text) {
  // from_chars takes no sign or blanks, so "digits only" is all it has to hold to.
  std::uint64_t value = 0;
  const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (text.empty() || error != std::errc() || end != text.data() + text.size())
    return std::nullopt;
  return value;
}

}  // namespace bmcp::mcp
