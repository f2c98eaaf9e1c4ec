#pragma once

#include <string>
#include <string_view>

#include "core/json_text.hpp"

namespace bmcp::tools {

// A prompts/get result with exactly one user message (contract §7):
// {"description", "messages": [{"role": "user", "content": {"type": "text", "text"}}]}.
json::object single_user_message(std::string_view description, std::string text);

}  // namespace bmcp::tools
