#pragma once

#include <map>
#include <string>

#include "core/result.hpp"
#include "mcp/registry.hpp"

namespace bmcp::tools {

// The `blender_dispatch_script` prompt (contract §7): how to send a script job with
// blender_send_message. A pure template: it reads no state.
mcp::Prompt dispatch_script_prompt();

// The prompt's text for the given arguments (target and script present). Every value taken
// from the arguments is quoted (tools::quoted_for_prompt), so none can add a line. `priority`
// must be a level name in any letter case or 0-7 and is written as the lowercase level name
// (what blender_send_message accepts); anything else is the error, a -32602 message.
Result<std::string, std::string> dispatch_script_text(
    const std::map<std::string, std::string>& arguments);

}  // namespace bmcp::tools
