#include "metrics/registry.hpp"

#include <gtest/gtest.h>

#include <atomic>

namespace bmcp::metrics {
namespace {

TEST(Registry, RendersCollectorsInOrderAndReadsStateAtEachScrape) {
  std::atomic<std::uint64_t> sessions{1};
  Registry registry;
  registry.add([&sessions](ExpositionWriter& writer) {
    writer.single("a_sessions", MetricType::kGauge, "A.", sessions.load());
  });
  registry.add(
      [](ExpositionWriter& writer) { writer.single("b_total", MetricType::kCounter, "B.", 9); });
  EXPECT_EQ(registry.render(),
            "# HELP a_sessions A.\n# TYPE a_sessions gauge\na_sessions 1\n"
            "# HELP b_total B.\n# TYPE b_total counter\nb_total 9\n");
  sessions = 4;
  EXPECT_NE(registry.render().find("a_sessions 4\n"), std::string::npos);
}

TEST(Registry, EmptyRendersNothing) {
  EXPECT_EQ(Registry{}.render(), "");
}

}  // namespace
}  // namespace bmcp::metrics
