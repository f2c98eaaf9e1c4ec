#include "tools/bus_resources.hpp"

#include <gtest/gtest.h>

#include "tool_harness.hpp"

namespace bmcp::tools {
namespace {

using testing::ToolHarness;

class BusResourcesTest : public ::testing::Test, protected ToolHarness {};

TEST_F(BusResourcesTest, ClientsListsTheBucketsWithoutAStatusKey) {
  const auto peer = open("demo");
  call(peer, "blender_register_client",
       {{"client_uuid", "blender-1"}, {"client_type", "blender"}, {"is_persistent", true}});
  const auto clients = read(peer, "blender://bus/clients");
  EXPECT_EQ(clients.size(), 3u);
  EXPECT_EQ(clients.at("user_id"), "demo");
  EXPECT_EQ(clients.at("persistent").at(0).at("uuid"), "blender-1");
  EXPECT_EQ(clients.at("ephemeral"), json::array());
}

TEST_F(BusResourcesTest, StatsCountsTheCallersBusOnly) {
  const auto demo = open("demo");
  const auto bob = open("bob");
  call(demo, "blender_register_client", {{"client_uuid", "a"}, {"client_type", "llm"}});
  EXPECT_EQ(to_json_text(read(bob, "blender://bus/stats")),
            R"({"user_id":"bob","persistent_count":0,"ephemeral_count":0,)"
            R"("pending_jobs_for_user":0})");
  EXPECT_EQ(read(demo, "blender://bus/stats").at("ephemeral_count"), 1);
}

TEST_F(BusResourcesTest, ContentsAreJsonTextWithTheirUri) {
  const auto contents = json_resource_contents("blender://bus/stats", {{"a", 1}});
  EXPECT_EQ(to_json_text(contents),
            R"({"contents":[{"uri":"blender://bus/stats","mimeType":"application/json",)"
            R"("text":"{\"a\":1}"}]})");
}

}  // namespace
}  // namespace bmcp::tools
