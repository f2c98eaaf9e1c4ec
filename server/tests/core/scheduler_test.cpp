#include "core/scheduler.hpp"

#include <gtest/gtest.h>

#include <vector>

namespace bmcp {
namespace {

using std::chrono::seconds;

TEST(ManualScheduler, RunsTasksOnlyWhenTheirTimeComesInDeadlineOrder) {
  FakeClock clock;
  ManualScheduler scheduler(clock);
  std::vector<int> ran;
  scheduler.schedule_after(seconds(2), [&] { ran.push_back(2); });
  scheduler.schedule_after(seconds(1), [&] { ran.push_back(1); });
  scheduler.advance(seconds(1));
  EXPECT_EQ(ran, std::vector<int>{1});
  scheduler.advance(seconds(1));
  EXPECT_EQ(ran, (std::vector<int>{1, 2}));
}

TEST(ManualScheduler, CancelledTasksNeverRun) {
  FakeClock clock;
  ManualScheduler scheduler(clock);
  bool ran = false;
  const auto id = scheduler.schedule_after(seconds(1), [&] { ran = true; });
  EXPECT_TRUE(scheduler.cancel(id));
  scheduler.advance(seconds(5));
  EXPECT_FALSE(ran);
  EXPECT_FALSE(scheduler.cancel(id));
}

TEST(ManualScheduler, ATaskMayScheduleAnother) {
  FakeClock clock;
  ManualScheduler scheduler(clock);
  int count = 0;
  scheduler.schedule_after(seconds(0), [&] {
    ++count;
    scheduler.schedule_after(seconds(0), [&] { ++count; });
  });
  scheduler.run_due();
  EXPECT_EQ(count, 2);
}

}  // namespace
}  // namespace bmcp
