#pragma once

#include <string>
#include <string_view>

namespace bmcp::tools {

// The texts of the seven guidance prompts (contract §7). Each restates its argument, then gives
// the practical Blender guidance the contract lists for it. The argument is restated quoted
// (tools::quoted_for_prompt: a JSON string, an unknown engine between single quotes), so that it
// cannot add lines to the text; only the error text is verbatim, inside a fence longer than any
// run of backticks in it.
std::string script_writing_text(std::string_view goal);
std::string modeling_workflow_text(std::string_view object_type);
// `engine` is matched case-insensitively (cycles, eevee, workbench); anything else gets the
// general checklist and the list of known engines.
std::string rendering_setup_text(std::string_view engine);
std::string material_creation_text(std::string_view material_kind);
std::string animation_basics_text(std::string_view animation_type);
// The error text appears verbatim in a fenced block.
std::string debug_assistant_text(std::string_view error_text);
std::string asset_creation_text(std::string_view asset_kind);

}  // namespace bmcp::tools
