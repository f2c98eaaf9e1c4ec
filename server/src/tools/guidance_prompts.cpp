#include "tools/guidance_prompts.hpp"

#include "tools/dispatch_recipe_prompt.hpp"
#include "tools/guidance_texts.hpp"
#include "tools/prompt_message.hpp"

namespace bmcp::tools {
namespace {

using TextFn = std::string (*)(std::string_view);

// A guidance prompt with one argument; `fallback` is used when an optional argument is absent.
mcp::Prompt guidance_prompt(std::string name, std::string description, std::string argument,
                            std::string argument_description, bool required, TextFn text,
                            std::string fallback = {}) {
  auto renderer = [description, argument, text, fallback](
                      const std::map<std::string, std::string>& arguments,
                      const mcp::Caller&) -> Result<json::object, std::string> {
    const auto found = arguments.find(argument);
    const std::string value = found == arguments.end() ? fallback : found->second;
    return single_user_message(description, text(value));
  };
  return {std::move(name),
          std::move(description),
          {{std::move(argument), std::move(argument_description), required}},
          std::move(renderer)};
}

}  // namespace

void add_guidance_prompts(mcp::Registry& registry) {
  registry.add_prompt(dispatch_recipe_prompt());
  registry.add_prompt(guidance_prompt(
      "blender_script_writing_assistant",
      "How to write a robust bpy script for a goal, to run with blender_execute_code.", "goal",
      "What the script should do, e.g. \"add a ring of 12 cubes around the origin\"", true,
      script_writing_text));
  registry.add_prompt(guidance_prompt(
      "blender_modeling_workflow",
      "A modelling decision tree (primitives, modifiers, bmesh, Geometry Nodes) for an object.",
      "object_type", "The object to model, e.g. \"chair\" or \"spiral staircase\"", true,
      modeling_workflow_text));
  registry.add_prompt(guidance_prompt(
      "blender_rendering_setup", "A render set-up checklist for one render engine.", "engine",
      "cycles (default), eevee or workbench", false, rendering_setup_text, "cycles"));
  registry.add_prompt(guidance_prompt(
      "blender_material_creation",
      "How to build a Principled BSDF material of some kind, and PolyHaven textures.",
      "material_kind", "The material, e.g. \"brushed metal\", \"glass\" or \"neon sign\"", true,
      material_creation_text));
  registry.add_prompt(guidance_prompt(
      "blender_animation_basics", "Keyframes, drivers and constraints, for an animation type.",
      "animation_type", "The animation, e.g. \"keyframes\", \"drivers\" or \"follow path\"", true,
      animation_basics_text));
  registry.add_prompt(guidance_prompt(
      "blender_debug_assistant", "How to read and fix a Blender Python error.", "error_text",
      "The error message or traceback, verbatim", true, debug_assistant_text));
  registry.add_prompt(guidance_prompt(
      "blender_asset_creation_strategy",
      "How to choose among Hyper3D Rodin, PolyHaven, Sketchfab and manual modelling.", "asset_kind",
      "The asset needed, e.g. \"a cartoon fox\" or \"a brick wall texture\"", true,
      asset_creation_text));
}

}  // namespace bmcp::tools
