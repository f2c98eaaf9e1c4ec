#include "mcp/tool_result.hpp"

#include "mcp/protocol_version.hpp"

namespace bmcp::mcp {

json::object json_tool_result(const json::object& result, std::string_view protocol_version) {
  json::object out{
      {"content", json::array{json::object{{"type", "text"}, {"text", to_json_text(result)}}}},
      {"isError", false}};
  if (has_structured_content(protocol_version))
    out["structuredContent"] = result;
  return out;
}

json::object text_tool_result(std::string_view text) {
  return json::object{{"content", json::array{json::object{{"type", "text"}, {"text", text}}}},
                      {"isError", false}};
}

json::object error_tool_result(std::string_view text) {
  return json::object{{"content", json::array{json::object{{"type", "text"}, {"text", text}}}},
                      {"isError", true}};
}

}  // namespace bmcp::mcp
