#include "tools/prompt_quoting.hpp"

#include <fmt/format.h>

namespace bmcp::tools {
namespace {

// The UTF-8 encodings of the Unicode line breaks outside ASCII, with their JSON escapes.
struct LineBreak {
  std::string_view bytes;
  std::string_view escape;
};
constexpr LineBreak kUnicodeLineBreaks[] = {
    {"\xC2\x85", "\\u0085"}, {"\xE2\x80\xA8", "\\u2028"}, {"\xE2\x80\xA9", "\\u2029"}};

void append_escaped(std::string& out, unsigned char byte) {
  switch (byte) {
    case '\\':
      out += "\\\\";
      return;
    case '\n':
      out += "\\n";
      return;
    case '\r':
      out += "\\r";
      return;
    case '\t':
      out += "\\t";
      return;
    case '\b':
      out += "\\b";
      return;
    case '\f':
      out += "\\f";
      return;
    default:
      out += fmt::format("\\u{:04x}", byte);
  }
}

}  // namespace

std::string quoted_for_prompt(std::string_view text, char quote) {
  std::string out(1, quote);
  out.reserve(text.size() + 2);
  while (!text.empty()) {
    bool replaced = false;
    for (const auto& line_break : kUnicodeLineBreaks) {
      if (text.starts_with(line_break.bytes)) {
        out += line_break.escape;
        text.remove_prefix(line_break.bytes.size());
        replaced = true;
        break;
      }
    }
    if (replaced)
      continue;
    const auto byte = static_cast<unsigned char>(text.front());
    text.remove_prefix(1);
    if (byte == static_cast<unsigned char>(quote)) {
      out += '\\';
      out += quote;
    } else if (byte == '\\' || byte < 0x20 || byte == 0x7F) {
      append_escaped(out, byte);
    } else {
      out += static_cast<char>(byte);
    }
  }
  out += quote;
  return out;
}

}  // namespace bmcp::tools
