#include "core/report_throttle.hpp"

#include <gtest/gtest.h>

namespace bmcp {
namespace {

using std::chrono::milliseconds;
using std::chrono::seconds;

class ReportThrottleTest : public ::testing::Test {
 protected:
  FakeClock clock_;
  ReportThrottle throttle_{seconds(10)};
};

TEST_F(ReportThrottleTest, TheFirstEventIsReportedAtOnce) {
  EXPECT_EQ(throttle_.count(clock_.steady_now()), 1u);
}

TEST_F(ReportThrottleTest, EventsInsideTheIntervalAreHeldBackAndCountedInTheNextLine) {
  ASSERT_EQ(throttle_.count(clock_.steady_now()), 1u);
  for (int i = 0; i < 1000; ++i) {
    clock_.advance(milliseconds(5));
    EXPECT_EQ(throttle_.count(clock_.steady_now()), std::nullopt);
  }
  clock_.advance(seconds(5));  // 10 s after the first line
  EXPECT_EQ(throttle_.count(clock_.steady_now()), 1001u);
  EXPECT_EQ(throttle_.count(clock_.steady_now()), std::nullopt);
}

TEST_F(ReportThrottleTest, AStormOfAMillionEventsOverAMinuteCostsSixLines) {
  int lines = 0;
  for (int i = 0; i < 1'000'000; ++i) {
    if (throttle_.count(clock_.steady_now()))
      ++lines;
    clock_.advance(std::chrono::microseconds(60));
  }
  EXPECT_EQ(lines, 6);  // at 0 s and then every 10 s (and a little) until 60 s
}

TEST_F(ReportThrottleTest, FlushReportsHeldBackEventsOnlyOnceTheIntervalHasPassed) {
  ASSERT_EQ(throttle_.count(clock_.steady_now()), 1u);
  EXPECT_EQ(throttle_.flush(clock_.steady_now()), std::nullopt);  // nothing held back
  clock_.advance(seconds(1));
  ASSERT_EQ(throttle_.count(clock_.steady_now()), std::nullopt);
  EXPECT_EQ(throttle_.flush(clock_.steady_now()), std::nullopt);  // held back, not yet due
  clock_.advance(seconds(9));
  EXPECT_EQ(throttle_.flush(clock_.steady_now()), 1u);
  EXPECT_EQ(throttle_.flush(clock_.steady_now()), std::nullopt);  // already reported
}

TEST_F(ReportThrottleTest, AFlushStartsANewInterval) {
  ASSERT_EQ(throttle_.count(clock_.steady_now()), 1u);
  ASSERT_EQ(throttle_.count(clock_.steady_now()), std::nullopt);
  clock_.advance(seconds(10));
  ASSERT_EQ(throttle_.flush(clock_.steady_now()), 1u);
  clock_.advance(seconds(1));
  EXPECT_EQ(throttle_.count(clock_.steady_now()), std::nullopt);
}

}  // namespace
}  // namespace bmcp
