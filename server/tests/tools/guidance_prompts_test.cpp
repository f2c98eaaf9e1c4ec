#include "tools/guidance_prompts.hpp"

#include <gtest/gtest.h>

#include "tools/dispatch_recipe_prompt.hpp"
#include "tools/guidance_texts.hpp"

namespace bmcp::tools {
namespace {

std::string render(const mcp::Registry& registry, std::string_view name,
                   const std::map<std::string, std::string>& arguments) {
  const auto* prompt = registry.find_prompt(name);
  EXPECT_NE(prompt, nullptr) << name;
  const auto rendered = prompt->renderer(arguments, {});
  EXPECT_TRUE(rendered);
  const auto& messages = rendered->at("messages").as_array();
  EXPECT_EQ(messages.size(), 1u);
  EXPECT_EQ(messages[0].at("role"), "user");
  EXPECT_FALSE(rendered->at("description").as_string().empty());
  return std::string(messages[0].at("content").at("text").as_string());
}

TEST(GuidancePrompts, RegistersTheEightPromptsInContractOrder) {
  mcp::Registry registry;
  add_guidance_prompts(registry);
  std::vector<std::string> names;
  for (const auto& prompt : registry.prompts())
    names.push_back(prompt.name);
  EXPECT_EQ(names, (std::vector<std::string>{
                       "blender_dispatch_recipe", "blender_script_writing_assistant",
                       "blender_modeling_workflow", "blender_rendering_setup",
                       "blender_material_creation", "blender_animation_basics",
                       "blender_debug_assistant", "blender_asset_creation_strategy"}));
}

TEST(GuidancePrompts, EachTakesItsOneArgumentRequiredButTheEngine) {
  mcp::Registry registry;
  add_guidance_prompts(registry);
  const std::vector<std::pair<std::string, bool>> expected{
      {"command", true},    {"goal", true},          {"object_type", true},
      {"engine", false},    {"material_kind", true}, {"animation_type", true},
      {"error_text", true}, {"asset_kind", true}};
  ASSERT_EQ(registry.prompts().size(), expected.size());
  for (std::size_t i = 0; i < expected.size(); ++i) {
    const auto& prompt = registry.prompts()[i];
    ASSERT_EQ(prompt.arguments.size(), 1u) << prompt.name;
    EXPECT_EQ(prompt.arguments[0].name, expected[i].first);
    EXPECT_EQ(prompt.arguments[0].required, expected[i].second);
    EXPECT_FALSE(prompt.arguments[0].description.empty());
    EXPECT_FALSE(prompt.description.empty());
  }
}

TEST(GuidancePrompts, RenderTheirTextsFromTheArgument) {
  mcp::Registry registry;
  add_guidance_prompts(registry);
  EXPECT_EQ(render(registry, "blender_dispatch_recipe", {{"command", "browse_data"}}),
            dispatch_recipe_text("browse_data"));
  EXPECT_EQ(render(registry, "blender_script_writing_assistant", {{"goal", "g"}}),
            script_writing_text("g"));
  EXPECT_EQ(render(registry, "blender_modeling_workflow", {{"object_type", "lamp"}}),
            modeling_workflow_text("lamp"));
  EXPECT_EQ(render(registry, "blender_material_creation", {{"material_kind", "glass"}}),
            material_creation_text("glass"));
  EXPECT_EQ(render(registry, "blender_animation_basics", {{"animation_type", "drivers"}}),
            animation_basics_text("drivers"));
  EXPECT_EQ(render(registry, "blender_debug_assistant", {{"error_text", "boom"}}),
            debug_assistant_text("boom"));
  EXPECT_EQ(render(registry, "blender_asset_creation_strategy", {{"asset_kind", "tree"}}),
            asset_creation_text("tree"));
}

TEST(GuidancePrompts, TheEngineDefaultsToCycles) {
  mcp::Registry registry;
  add_guidance_prompts(registry);
  EXPECT_EQ(render(registry, "blender_rendering_setup", {}), rendering_setup_text("cycles"));
  EXPECT_EQ(render(registry, "blender_rendering_setup", {{"engine", "eevee"}}),
            rendering_setup_text("eevee"));
}

}  // namespace
}  // namespace bmcp::tools
