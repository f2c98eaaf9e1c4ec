#include "http/server_stats.hpp"

#include <gtest/gtest.h>

namespace bmcp::http {
namespace {

TEST(ServerStats, CountsResponsesByStatus) {
  ServerStats stats;
  stats.count_response(200);
  stats.count_response(200);
  stats.count_response(404);
  stats.count_response(599);
  stats.count_response(100);
  EXPECT_EQ(stats.responses(200), 2u);
  EXPECT_EQ(stats.responses(404), 1u);
  EXPECT_EQ(stats.responses(599), 1u);
  EXPECT_EQ(stats.responses(100), 1u);
  EXPECT_EQ(stats.responses(500), 0u);
}

TEST(ServerStats, IgnoresStatusesOutsideTheRange) {
  ServerStats stats;
  stats.count_response(99);
  stats.count_response(600);
  stats.count_response(-1);
  EXPECT_EQ(stats.responses(99), 0u);
  EXPECT_EQ(stats.responses(600), 0u);
}

TEST(ServerStats, TracksOpenStreams) {
  ServerStats stats;
  stats.stream_opened();
  stats.stream_opened();
  stats.stream_closed();
  EXPECT_EQ(stats.open_streams(), 1u);
}

}  // namespace
}  // namespace bmcp::http
