#include "tools/dispatch_result.hpp"

#include "mcp/tool_result.hpp"

namespace bmcp::tools {

json::object dispatch_tool_result(const jobs::DispatchReply& reply,
                                  std::string_view protocol_version) {
  auto result = mcp::json_tool_result(reply.envelope, protocol_version);
  if (!reply.images)
    return result;
  auto& content = result["content"].as_array();
  content.reserve(1 + reply.images->size());
  for (const auto& image : *reply.images) {
    content.push_back(
        json::object{{"type", "image"}, {"data", image.data}, {"mimeType", image.mime_type}});
  }
  return result;
}

}  // namespace bmcp::tools
