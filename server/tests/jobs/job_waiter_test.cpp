#include "jobs/job_waiter.hpp"

#include <gtest/gtest.h>

namespace bmcp::jobs {
namespace {

bus::JobEvent event(const std::string& user, const std::string& status, bool pending = true) {
  return {user, {"j1", status, "", "", 0.5, std::nullopt}, status != "running", pending};
}

TEST(JobWaiter, ATerminalUpdateWakesTheWaiterOnceAndRemovesIt) {
  JobWaiter waiter;
  int replies = 0;
  waiter.add("demo", "j1", [&](const bus::JobUpdate&) { ++replies; }, {});
  waiter.on_event(event("demo", "completed"));
  waiter.on_event(event("demo", "completed"));
  EXPECT_EQ(replies, 1);
  EXPECT_EQ(waiter.size(), 0u);
}

TEST(JobWaiter, ProgressIsPassedOnWithoutWaking) {
  JobWaiter waiter;
  int replies = 0;
  int progress = 0;
  waiter.add(
      "demo", "j1", [&](const bus::JobUpdate&) { ++replies; },
      [&](const bus::JobUpdate&) { ++progress; });
  waiter.on_event(event("demo", "running"));
  EXPECT_EQ(progress, 1);
  EXPECT_EQ(replies, 0);
  EXPECT_EQ(waiter.size(), 1u);
}

TEST(JobWaiter, AnotherUsersUpdateOrOneWithoutAPendingEntryWakesNobody) {
  JobWaiter waiter;
  int replies = 0;
  waiter.add("demo", "j1", [&](const bus::JobUpdate&) { ++replies; }, {});
  waiter.on_event(event("bob", "completed"));
  waiter.on_event(event("demo", "completed", false));
  EXPECT_EQ(replies, 0);
}

TEST(JobWaiter, ARemovedWaiterIsNeverWoken) {
  JobWaiter waiter;
  int replies = 0;
  waiter.add("demo", "j1", [&](const bus::JobUpdate&) { ++replies; }, {});
  EXPECT_TRUE(waiter.remove("demo", "j1"));
  waiter.on_event(event("demo", "completed"));
  EXPECT_EQ(replies, 0);
}

}  // namespace
}  // namespace bmcp::jobs
