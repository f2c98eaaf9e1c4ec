#include "bus/counters.hpp"

#include <gtest/gtest.h>

namespace bmcp::bus {
namespace {

TEST(BusCounters, LossesAddUpEveryCounterThatLosesARecordOrAnEntry) {
  BusCounters counters;
  counters.delivered = 10;
  counters.filtered_by_level = 3;
  counters.hold_overflow = 1;
  counters.hold_expired = 2;
  counters.stream_overflow = 4;
  counters.pending_jobs_evicted = 5;
  counters.pending_jobs_expired = 6;
  EXPECT_EQ(counters.losses(), 18u);
}

TEST(BusCounters, SummaryNamesEveryCounter) {
  BusCounters counters;
  counters.held = 7;
  counters.routed = 2;
  const auto summary = counters.summary();
  EXPECT_NE(summary.find("routed=2"), std::string::npos);
  EXPECT_NE(summary.find("held=7"), std::string::npos);
  EXPECT_NE(summary.find("pending_jobs_expired=0"), std::string::npos);
}

}  // namespace
}  // namespace bmcp::bus
