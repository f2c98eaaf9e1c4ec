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

namespace {

// {"content":[{"type":"text","text":text}],"isError":is_error}, built in place: nested
// initializer lists copy each inner value into its parent, and every tool call returns one.
json::object text_content(std::string_view text, bool is_error) {
  json::object item(2);
  item.emplace("type", "text");
  item.emplace("text", text);
  json::array content;
  content.emplace_back(std::move(item));
  json::object out(2);
  out.emplace("content", std::move(content));
  out.emplace("isError", is_error);
  return out;
}

}  // namespace

json::object text_tool_result(std::string_view text) {
  return text_content(text, false);
}

json::object error_tool_result(std::string_view text) {
  return text_content(text, true);
}

}  // namespace bmcp::mcp
