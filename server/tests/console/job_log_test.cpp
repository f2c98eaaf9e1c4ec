#include "console/job_log.hpp"

#include <gtest/gtest.h>

namespace bmcp::console {
namespace {

jobs::JobRecord record(const std::string& id, std::optional<std::string> command = "execute_code") {
  jobs::JobRecord out;
  out.job_id = id;
  out.command = std::move(command);
  out.target_uuids = {"blender-1"};
  out.created_at = 100;
  return out;
}

bus::JobEvent event(const std::string& id, const std::string& status,
                    std::optional<double> progress = std::nullopt) {
  bus::JobEvent out;
  out.user_id = "demo";
  out.update.job_id = id;
  out.update.status = status;
  out.update.result = status == "completed" ? "done" : "";
  out.update.progress = progress;
  return out;
}

TEST(ConsoleJobLog, AJobGoesFromPendingThroughRunningToCompleted) {
  JobLog log(10);
  EXPECT_EQ(log.start("demo", record("j1"), false).status, "pending");
  const auto* running = log.apply(event("j1", "running", 0.5), 101);
  ASSERT_TRUE(running);
  EXPECT_EQ(running->status, "running");
  EXPECT_EQ(running->record.progress, 0.5);
  const auto* done = log.apply(event("j1", "completed", 1.0), 102);
  ASSERT_TRUE(done);
  const auto json = done->to_json();
  EXPECT_EQ(json.at("status"), "completed");
  EXPECT_EQ(json.at("result"), "done");
  EXPECT_EQ(json.at("kind"), "dispatch");
  EXPECT_EQ(json.at("finished_at"), 102.0);
  EXPECT_EQ(json.at("late"), false);
  EXPECT_FALSE(log.apply(event("j1", "failed"), 103));  // settled
}

TEST(ConsoleJobLog, AReplyHeardBeforeItsJobStartedSettlesTheJobWhenItStarts) {
  JobLog log(10);
  auto done = event("j1", "completed", 1.0);
  done.pending = true;
  done.terminal = true;
  EXPECT_FALSE(log.apply(done, 101));
  auto progress = event("j1", "running", 0.5);
  progress.pending = true;
  EXPECT_FALSE(log.apply(progress, 101.5));  // does not replace the terminal one
  const auto& started = log.start("demo", record("j1"), false);
  EXPECT_EQ(started.status, "completed");
  EXPECT_EQ(started.record.result, "done");
  EXPECT_EQ(started.record.finished_at, 101.0);
  // An update of no pending job is not kept; nor is one kept past its job's start.
  EXPECT_FALSE(log.apply(event("j2", "completed"), 102));
  EXPECT_EQ(log.start("demo", record("j2"), false).status, "pending");
  EXPECT_EQ(log.start("demo", record("j1"), false).status, "pending");
}

TEST(ConsoleJobLog, EarlyUpdatesAreBoundedPerUserOldestFirst) {
  JobLog log(100);
  for (int i = 0; i < 40; ++i) {
    auto early = event("e" + std::to_string(i), "completed");
    early.pending = true;
    early.terminal = true;
    log.apply(early, 100 + i);
  }
  EXPECT_EQ(log.start("demo", record("e0"), false).status, "pending");  // dropped
  EXPECT_EQ(log.start("demo", record("e39"), false).status, "completed");
}

TEST(ConsoleJobLog, AReplyAfterTheTimeoutIsMarkedLate) {
  JobLog log(10);
  log.start("demo", record("j1"), false);
  ASSERT_TRUE(log.timed_out("demo", "j1", 160));
  const auto* late = log.apply(event("j1", "completed"), 170);
  ASSERT_TRUE(late);
  EXPECT_TRUE(late->late);
  EXPECT_EQ(late->status, "completed");
}

TEST(ConsoleJobLog, TrackingADispatchJobKeepsItsCommand) {
  JobLog log(10);
  log.start("demo", record("j1"), false);
  log.start("demo", record("j1", std::nullopt), true);
  EXPECT_EQ(log.list("demo").at(0).as_object().at("command"), "execute_code");
  log.start("demo", record("b1", std::nullopt), true);
  EXPECT_EQ(log.list("demo").at(0).as_object().at("kind"), "bus");
}

TEST(ConsoleJobLog, KeepsTheNewestJobsOfEachUserWithinTheBound) {
  JobLog log(2);
  log.start("demo", record("j1"), false);
  log.start("demo", record("j2"), false);
  log.start("demo", record("j3"), false);
  const auto jobs = log.list("demo");
  ASSERT_EQ(jobs.size(), 2u);
  EXPECT_EQ(jobs.at(0).as_object().at("job_id"), "j3");
  EXPECT_EQ(jobs.at(1).as_object().at("job_id"), "j2");
  EXPECT_FALSE(log.apply(event("j1", "completed"), 1));
  EXPECT_TRUE(log.list("other").empty());
  EXPECT_TRUE(log.forget("demo", "j2"));
  EXPECT_EQ(log.list("demo").size(), 1u);
}

}  // namespace
}  // namespace bmcp::console
