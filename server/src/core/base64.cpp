#include "core/base64.hpp"

namespace bmcp {
namespace {

// The 6-bit value of a base64 digit; -1 for anything else (`=` included).
int digit_value(char c) {
  if (c >= 'A' && c <= 'Z')
    return c - 'A';
  if (c >= 'a' && c <= 'z')
    return c - 'a' + 26;
  if (c >= '0' && c <= '9')
    return c - '0' + 52;
  if (c == '+')
    return 62;
  if (c == '/')
    return 63;
  return -1;
}

std::size_t padding(std::string_view text) {
  std::size_t count = 0;
  while (count < 2 && count < text.size() && text[text.size() - 1 - count] == '=')
    ++count;
  return count;
}

}  // namespace

bool is_base64(std::string_view text) {
  if (text.empty() || text.size() % 4 != 0)
    return false;
  const std::size_t digits = text.size() - padding(text);
  for (std::size_t i = 0; i < digits; ++i) {
    if (digit_value(text[i]) < 0)
      return false;
  }
  return true;
}

std::size_t base64_decoded_size(std::string_view text) {
  return text.size() / 4 * 3 - padding(text);
}

std::optional<std::string> base64_decode_prefix(std::string_view text, std::size_t count) {
  if (!is_base64(text))
    return std::nullopt;
  const std::size_t digits = text.size() - padding(text);
  std::string out;
  unsigned bits = 0;
  int pending = 0;
  for (std::size_t i = 0; i < digits && out.size() < count; ++i) {
    bits = (bits << 6) | static_cast<unsigned>(digit_value(text[i]));
    pending += 6;
    if (pending >= 8) {
      pending -= 8;
      out.push_back(static_cast<char>((bits >> pending) & 0xFF));
    }
  }
  return out;
}

}  // namespace bmcp
