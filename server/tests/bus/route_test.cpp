#include "bus/route.hpp"

#include <gtest/gtest.h>

namespace bmcp::bus {
namespace {

TEST(Route, TargetUuidWinsOverEverythingElse) {
  const auto route = Route::choose("blender-1", "g", "blender");
  EXPECT_EQ(route.kind, Route::Kind::kDirect);
  EXPECT_EQ(to_json_text(route.to_json()), R"({"type":"direct","target_uuid":"blender-1"})");
}

TEST(Route, GroupWinsOverClientType) {
  const auto route = Route::choose("", "render-farm", "blender");
  EXPECT_EQ(to_json_text(route.to_json()), R"({"type":"group","group_id":"render-farm"})");
}

TEST(Route, ClientTypeIsATypeFilter) {
  EXPECT_EQ(to_json_text(Route::choose("", "", "llm").to_json()),
            R"({"type":"type_filter","client_type":"llm"})");
}

TEST(Route, NothingGivenIsABroadcast) {
  EXPECT_EQ(to_json_text(Route::choose("", "", "").to_json()), R"({"type":"broadcast"})");
}

}  // namespace
}  // namespace bmcp::bus
