#include "core/base64.hpp"

#include <algorithm>

namespace bmcp {
namespace {

// The two alphabets differ only in the digits for 62 and 63.
struct Alphabet {
  char digit62;
  char digit63;
};
constexpr Alphabet kStandard{'+', '/'};
constexpr Alphabet kUrl{'-', '_'};

// The 6-bit value of a digit of `alphabet`; -1 for anything else (`=` included).
int digit_value(char c, Alphabet alphabet = kStandard) {
  if (c >= 'A' && c <= 'Z')
    return c - 'A';
  if (c >= 'a' && c <= 'z')
    return c - 'a' + 26;
  if (c >= '0' && c <= '9')
    return c - '0' + 52;
  if (c == alphabet.digit62)
    return 62;
  if (c == alphabet.digit63)
    return 63;
  return -1;
}

// Decodes `digits` (no padding), stopping after `count` bytes; nullopt on a character outside
// `alphabet`, or, when `canonical_tail`, on unused low bits of the last digit that are not zero.
std::optional<std::string> decode_digits(std::string_view digits, Alphabet alphabet,
                                         std::size_t count, bool canonical_tail) {
  std::string out;
  out.reserve(std::min(count, digits.size() / 4 * 3 + 2));
  unsigned bits = 0;
  int pending = 0;
  for (std::size_t i = 0; i < digits.size() && out.size() < count; ++i) {
    const int value = digit_value(digits[i], alphabet);
    if (value < 0)
      return std::nullopt;
    bits = ((bits << 6) | static_cast<unsigned>(value)) & 0xFFFu;
    pending += 6;
    if (pending >= 8) {
      pending -= 8;
      out.push_back(static_cast<char>((bits >> pending) & 0xFF));
    }
  }
  if (canonical_tail && (bits & ((1u << pending) - 1)) != 0)
    return std::nullopt;
  return out;
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
  return decode_digits(text.substr(0, text.size() - padding(text)), kStandard, count, false);
}

std::optional<std::string> base64url_decode(std::string_view text) {
  if (text.size() % 4 == 1)
    return std::nullopt;
  return decode_digits(text, kUrl, text.size(), true);
}

}  // namespace bmcp
