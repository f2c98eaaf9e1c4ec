#pragma once

#include "mcp/registry.hpp"

namespace bmcp::tools {

// Registers the eight prompts of both builds (contract §7), in contract order:
// blender_dispatch_recipe, blender_script_writing_assistant, blender_modeling_workflow,
// blender_rendering_setup, blender_material_creation, blender_animation_basics,
// blender_debug_assistant, blender_asset_creation_strategy. All are pure templates.
void add_guidance_prompts(mcp::Registry& registry);

}  // namespace bmcp::tools
