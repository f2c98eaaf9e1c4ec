#pragma once

#include <string>

#include "core/json_text.hpp"

namespace bmcp::mcp {

// The shapes of a tools/call result.
// A JSON object result: its text in content[0] and, from 2025-06-18 on, as structuredContent.
json::object json_tool_result(const json::object& result, std::string_view protocol_version);
// A plain text result.
json::object text_tool_result(std::string_view text);
// A failed call the model should see (isError true), e.g. invalid arguments.
json::object error_tool_result(std::string_view text);

}  // namespace bmcp::mcp
