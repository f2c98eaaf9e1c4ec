#pragma once

#include <span>
#include <string_view>
#include <vector>

#include "core/json_text.hpp"

namespace bmcp::tools {

// One parameter of a dispatch tool, forwarded to the addon command under the same name.
struct DispatchParam {
  std::string_view name;
  std::vector<std::string_view> types;  // JSON Schema type names
  bool required = false;
  json::value default_value;  // null: no default (sent as JSON null when absent)
  std::string_view description;
};

// One row of the dispatch table (contract §5.2): a tool that runs one addon command.
struct DispatchTool {
  std::string_view name;
  std::string_view command;
  double default_timeout_seconds;
  std::string_view description;
  std::vector<DispatchParam> params;
  // The reply carries pictures: the tool result has image content after the envelope
  // (docs/images.md).
  bool returns_images = false;
};

// The 26 dispatch tools: the contract's 24 in its order, then blender_look and blender_render.
std::span<const DispatchTool> dispatch_tools();
// The row for an addon command name or a tool name; nullptr when there is none.
const DispatchTool* find_dispatch_tool(std::string_view command_or_tool);

}  // namespace bmcp::tools
