#include "tools/dispatch_table.hpp"

#include <gtest/gtest.h>

#include <set>

namespace bmcp::tools {
namespace {

TEST(DispatchTable, HasTheTwentyFourContractToolsNamedAfterTheirCommands) {
  const auto tools = dispatch_tools();
  ASSERT_EQ(tools.size(), 24u);
  EXPECT_EQ(tools.front().name, "blender_get_scene_info");
  EXPECT_EQ(tools.back().name, "blender_download_sketchfab_model");
  std::set<std::string_view> names;
  for (const auto& tool : tools) {
    EXPECT_EQ(tool.name, "blender_" + std::string(tool.command));
    names.insert(tool.name);
  }
  EXPECT_EQ(names.size(), 24u);
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
}

TEST(DispatchTable, FindsRowsByCommandOrToolName) {
  EXPECT_EQ(find_dispatch_tool("blender_browse_data"), find_dispatch_tool("browse_data"));
  EXPECT_EQ(find_dispatch_tool("nothing"), nullptr);
}

}  // namespace
}  // namespace bmcp::tools
