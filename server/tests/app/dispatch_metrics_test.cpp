#include "app/dispatch_metrics.hpp"

#include <gtest/gtest.h>

namespace bmcp::app {
namespace {

using namespace std::chrono_literals;

std::string rendered(const DispatchMetrics& metrics) {
  metrics::ExpositionWriter writer;
  metrics.render(writer);
  return writer.text();
}

bool contains(const std::string& text, const std::string& line) {
  return text.find(line) != std::string::npos;
}

TEST(DispatchMetrics, CountsByToolAndStatusAndTimesByTool) {
  DispatchMetrics metrics;
  metrics.observe("get_scene_info", "completed", 20ms);
  metrics.observe("get_scene_info", "completed", 40ms);
  metrics.observe("execute_code", "timeout", 60s);
  const auto text = rendered(metrics);
  EXPECT_TRUE(contains(text,
                       "blender_mcp_dispatch_calls_total{tool=\"blender_get_scene_info\","
                       "status=\"completed\"} 2\n"));
  EXPECT_TRUE(contains(
      text,
      "blender_mcp_dispatch_calls_total{tool=\"blender_execute_code\",status=\"timeout\"} 1\n"));
  EXPECT_TRUE(contains(text,
                       "blender_mcp_dispatch_duration_seconds_bucket{tool=\"blender_get_scene_"
                       "info\",le=\"0.025\"} 1\n"));
  EXPECT_TRUE(contains(text,
                       "blender_mcp_dispatch_duration_seconds_bucket{tool=\"blender_get_scene_"
                       "info\",le=\"0.05\"} 2\n"));
  EXPECT_TRUE(contains(
      text, "blender_mcp_dispatch_duration_seconds_count{tool=\"blender_execute_code\"} 1\n"));
  EXPECT_TRUE(contains(
      text, "blender_mcp_dispatch_duration_seconds_sum{tool=\"blender_execute_code\"} 60\n"));
}

TEST(DispatchMetrics, UnknownCommandsAndStatusesCountAsOther) {
  DispatchMetrics metrics;
  metrics.observe("user-supplied-command-1234", "weird-status", 1ms);
  metrics.observe("get_scene_info", "", 1ms);
  const auto text = rendered(metrics);
  EXPECT_TRUE(
      contains(text, "blender_mcp_dispatch_calls_total{tool=\"other\",status=\"other\"} 1\n"));
  EXPECT_TRUE(contains(text,
                       "blender_mcp_dispatch_calls_total{tool=\"blender_get_scene_info\","
                       "status=\"other\"} 1\n"));
  EXPECT_FALSE(contains(text, "user-supplied"));
  EXPECT_FALSE(contains(text, "weird"));
}

TEST(DispatchMetrics, WritesOnlySeriesThatMoved) {
  const auto text = rendered(DispatchMetrics{});
  EXPECT_EQ(text,
            "# HELP blender_mcp_dispatch_calls_total Dispatch calls that ended with an envelope, "
            "by tool and envelope status.\n"
            "# TYPE blender_mcp_dispatch_calls_total counter\n"
            "# HELP blender_mcp_dispatch_duration_seconds Time from a dispatch to its envelope, "
            "by tool.\n"
            "# TYPE blender_mcp_dispatch_duration_seconds histogram\n");
}

}  // namespace
}  // namespace bmcp::app
