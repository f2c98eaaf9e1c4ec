#pragma once

#include <string>
#include <string_view>

#include "core/json_text.hpp"
#include "mcp/registry.hpp"

namespace bmcp::tools {

// The `blender_dispatch_recipe` prompt (contract §7): how to call the dispatch tool of one
// addon command. A pure template over the dispatch and recipe tables.
mcp::Prompt dispatch_recipe_prompt();

// The text for `command` (an addon command or a tool name). An unknown command gives a text
// that starts "Unknown command '<command>'." (quoted by tools::quoted_for_prompt, so it cannot
// end its line) and lists all 24 command names.
std::string dispatch_recipe_text(std::string_view command);

// The complete tools/call `arguments` object the recipe shows for a known command: every
// parameter of the tool with an example value or its default, target_uuid and _timeout.
json::object recipe_arguments(std::string_view command);

}  // namespace bmcp::tools
