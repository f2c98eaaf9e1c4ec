#pragma once

#include <map>
#include <string>

#include "mcp/registry.hpp"

namespace bmcp::tools {

// The `blender_dispatch_script` prompt (contract §7): how to send a script job with
// blender_send_message. A pure template: it reads no state.
mcp::Prompt dispatch_script_prompt();

// The prompt's text for the given arguments (target and script present).
std::string dispatch_script_text(const std::map<std::string, std::string>& arguments);

}  // namespace bmcp::tools
