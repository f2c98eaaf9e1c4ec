#include "tools/recipe_table.hpp"

#include <gtest/gtest.h>

#include "tools/dispatch_table.hpp"

namespace bmcp::tools {
namespace {

TEST(RecipeTable, EveryDispatchCommandHasARecipe) {
  for (const auto& tool : dispatch_tools()) {
    const auto* recipe = find_recipe(tool.command);
    ASSERT_NE(recipe, nullptr) << tool.command;
    EXPECT_FALSE(recipe->result_shape.empty()) << tool.command;
    EXPECT_EQ(recipe->gate.empty(), recipe->probe.empty()) << tool.command;
  }
  EXPECT_EQ(find_recipe("blender_get_scene_info"), nullptr);  // commands, not tool names
  EXPECT_EQ(find_recipe("render_scene"), nullptr);
}

TEST(RecipeTable, ExampleValuesAreObjectsOfTheToolsOwnParameters) {
  for (const auto& tool : dispatch_tools()) {
    const auto examples = parse_json(find_recipe(tool.command)->example_values);
    ASSERT_TRUE(examples && examples->is_object()) << tool.command;
    for (const auto& [name, value] : examples->as_object()) {
      const bool known = std::any_of(tool.params.begin(), tool.params.end(),
                                     [&](const DispatchParam& p) { return p.name == name; });
      EXPECT_TRUE(known) << tool.command << " has no parameter " << std::string(name);
    }
    for (const auto& param : tool.params) {
      if (param.required) {
        EXPECT_TRUE(examples->as_object().contains(param.name))
            << tool.command << " needs an example for " << param.name;
      }
    }
  }
}

TEST(RecipeTable, TheGatesAndProbesFollowTheContract) {
  EXPECT_EQ(find_recipe("download_polyhaven_asset")->gate, "use_polyhaven");
  EXPECT_EQ(find_recipe("download_polyhaven_asset")->probe, "blender_get_polyhaven_status");
  EXPECT_EQ(find_recipe("create_rodin_job")->gate, "use_hyper3d");
  EXPECT_EQ(find_recipe("create_rodin_job")->probe, "blender_get_hyper3d_status");
  EXPECT_EQ(find_recipe("download_sketchfab_model")->gate, "use_sketchfab");
  EXPECT_EQ(find_recipe("download_sketchfab_model")->probe, "blender_get_sketchfab_status");
  EXPECT_TRUE(find_recipe("get_polyhaven_status")->gate.empty());
  EXPECT_TRUE(find_recipe("execute_code")->gate.empty());
}

}  // namespace
}  // namespace bmcp::tools
