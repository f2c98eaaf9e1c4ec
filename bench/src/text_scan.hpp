// Substring scans over JSON text. The bench programs only need a few known fields of
// responses they asked for, so they look for them directly instead of parsing whole documents.
#pragma once
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace bench {

// The string value of the first `"key":"value"` (no escapes inside value), if any.
std::optional<std::string> string_field(std::string_view json, std::string_view key);
// The decimal integer that follows the first occurrence of `marker`, if any.
std::optional<std::int64_t> integer_after(std::string_view text, std::string_view marker);
// The data of the last SSE event in an event-stream body, or the body itself for JSON bodies.
std::string response_json(std::string_view content_type, std::string_view body);
// True when a JSON-RPC response body is a successful tool result (a "result" member that is
// not flagged "isError":true).
bool is_tool_success(std::string_view json);

}  // namespace bench
