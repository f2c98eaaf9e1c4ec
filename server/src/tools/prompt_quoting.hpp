#pragma once

#include <string>
#include <string_view>

namespace bmcp::tools {

// A caller's free text as one quoted token inside a prompt's text. The quote character, the
// backslash and everything that could start a new line or hide text (C0 controls, DEL, U+0085,
// U+2028, U+2029) are escaped as JSON escapes them (\" \\ \n \t \u2028 ...), so the value
// cannot end its quotes or its line and pass for the prompt's own instructions. With '"' the
// result is a JSON string literal that decodes to `text`; with '\'' it is the same escaping
// between single quotes (a `'` inside becomes \').
std::string quoted_for_prompt(std::string_view text, char quote = '"');

}  // namespace bmcp::tools
