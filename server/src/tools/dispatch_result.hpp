#pragma once

#include <string_view>

#include "jobs/dispatcher.hpp"

namespace bmcp::tools {

// The tools/call result of a dispatch tool (docs/images.md): the envelope's JSON text as
// content[0] (and the envelope as structuredContent from 2025-06-18 on), then one MCP image item
// {"type":"image","data":<base64>,"mimeType":...} per picture of the reply, in the reply's order.
// The base64 appears only in the image items, never in the envelope.
json::object dispatch_tool_result(const jobs::DispatchReply& reply,
                                  std::string_view protocol_version);

}  // namespace bmcp::tools
