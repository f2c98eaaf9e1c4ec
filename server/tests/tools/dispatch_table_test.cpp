#include "tools/dispatch_table.hpp"

#include <gtest/gtest.h>

#include <set>

namespace bmcp::tools {
namespace {

TEST(DispatchTable, HasTheTwentyFourContractToolsThenLookAndRenderNamedAfterTheirCommands) {
  const auto tools = dispatch_tools();
  ASSERT_EQ(tools.size(), 26u);
  EXPECT_EQ(tools.front().name, "blender_get_scene_info");
  EXPECT_EQ(tools[23].name, "blender_download_sketchfab_model");
  EXPECT_EQ(tools[24].name, "blender_look");
  EXPECT_EQ(tools[25].name, "blender_render");
  std::set<std::string_view> names;
  for (const auto& tool : tools) {
    EXPECT_EQ(tool.name, "blender_" + std::string(tool.command));
    names.insert(tool.name);
  }
  EXPECT_EQ(names.size(), 26u);
}

TEST(DispatchTable, OnlyTheScreenshotLookAndRenderReturnPictures) {
  std::vector<std::string_view> with_images;
  for (const auto& tool : dispatch_tools()) {
    if (tool.returns_images)
      with_images.push_back(tool.command);
  }
  EXPECT_EQ(with_images,
            (std::vector<std::string_view>{"get_viewport_screenshot", "look", "render"}));
}

TEST(DispatchTable, TheScreenshotFilepathIsOptionalAndItsDefaultsStay) {
  const auto* tool = find_dispatch_tool("get_viewport_screenshot");
  ASSERT_EQ(tool->params.size(), 3u);
  EXPECT_EQ(tool->params[0].name, "filepath");
  EXPECT_FALSE(tool->params[0].required);
  EXPECT_TRUE(tool->params[0].default_value.is_null());
  EXPECT_EQ(tool->params[1].default_value, 800);
  EXPECT_EQ(tool->params[2].default_value, "png");
}

TEST(DispatchTable, DefaultTimeoutsFollowTheTimeoutClasses) {
  EXPECT_EQ(find_dispatch_tool("get_polyhaven_status")->default_timeout_seconds, 15);
  EXPECT_EQ(find_dispatch_tool("msgbus_subscribe_rna")->default_timeout_seconds, 15);
  EXPECT_EQ(find_dispatch_tool("poll_rodin_job_status")->default_timeout_seconds, 15);
  EXPECT_EQ(find_dispatch_tool("get_scene_info")->default_timeout_seconds, 30);
  EXPECT_EQ(find_dispatch_tool("execute_code")->default_timeout_seconds, 60);
  EXPECT_EQ(find_dispatch_tool("create_rodin_job")->default_timeout_seconds, 60);
  EXPECT_EQ(find_dispatch_tool("download_polyhaven_asset")->default_timeout_seconds, 180);
  EXPECT_EQ(find_dispatch_tool("import_generated_asset")->default_timeout_seconds, 180);
  EXPECT_EQ(find_dispatch_tool("download_sketchfab_model")->default_timeout_seconds, 180);
  EXPECT_EQ(find_dispatch_tool("look")->default_timeout_seconds, 120);
  EXPECT_EQ(find_dispatch_tool("render")->default_timeout_seconds, 600);
}

TEST(DispatchTable, FindsRowsByCommandOrToolName) {
  EXPECT_EQ(find_dispatch_tool("blender_browse_data"), find_dispatch_tool("browse_data"));
  EXPECT_EQ(find_dispatch_tool("nothing"), nullptr);
}

}  // namespace
}  // namespace bmcp::tools
