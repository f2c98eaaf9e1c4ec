#include "jobs/memory_job_store.hpp"

#include <gtest/gtest.h>

namespace bmcp::jobs {
namespace {

class JobStoreTest : public ::testing::Test {
 protected:
  void start(const std::string& user, const std::string& job_id) {
    JobRecord record;
    record.job_id = job_id;
    store_.start(user, record);
  }
  // The job as the store has it (a memory store can always be read).
  std::optional<JobRecord> find(const std::string& user, const std::string& job_id) const {
    return store_.find(user, job_id).value();
  }
  static bus::JobEvent event(const std::string& job_id, const std::string& status,
                             std::optional<double> progress = std::nullopt) {
    return {"demo", {job_id, status, "out", "", progress, std::nullopt}, status != "running", true};
  }

  FakeClock clock_;
  MemoryJobStore store_{clock_, JobStoreLimits{std::chrono::seconds(3600), 2}};
};

TEST_F(JobStoreTest, ATerminalUpdateFinishesTheJobWithItsResult) {
  start("demo", "j1");
  store_.apply(event("j1", "running", 0.25));
  EXPECT_EQ(find("demo", "j1")->progress, 0.25);
  store_.apply(event("j1", "completed"));
  const auto job = find("demo", "j1");
  EXPECT_EQ(job->state, JobState::kCompleted);
  EXPECT_EQ(job->result, "out");
  EXPECT_TRUE(job->finished_at);
}

TEST_F(JobStoreTest, TrackingKeepsAPendingJobButRestartsASettledOne) {
  JobRecord dispatched;
  dispatched.job_id = "j1";
  dispatched.command = "get_scene_info";
  store_.start("demo", dispatched);
  JobRecord tracked;
  tracked.job_id = "j1";
  tracked.target_uuids = {"blender-1"};
  store_.track("demo", tracked);
  EXPECT_EQ(find("demo", "j1")->command, "get_scene_info");

  store_.apply(event("j1", "completed"));
  store_.track("demo", tracked);
  const auto again = find("demo", "j1");
  EXPECT_EQ(again->state, JobState::kPending);
  EXPECT_FALSE(again->command);
  EXPECT_EQ(again->target_uuids, std::vector<std::string>{"blender-1"});
}

TEST_F(JobStoreTest, ALateReplyAfterATimeoutIsKept) {
  start("demo", "j1");
  store_.mark_timed_out("demo", "j1");
  EXPECT_EQ(find("demo", "j1")->state, JobState::kTimedOut);
  store_.apply(event("j1", "completed"));
  EXPECT_EQ(find("demo", "j1")->state, JobState::kCompleted);
}

TEST_F(JobStoreTest, ACancelledJobIgnoresLaterReplies) {
  start("demo", "j1");
  store_.mark_cancelled("demo", "j1");
  store_.apply(event("j1", "completed"));
  EXPECT_EQ(find("demo", "j1")->state, JobState::kCancelled);
}

TEST_F(JobStoreTest, JobsAreFoundOnlyForTheirUser) {
  start("demo", "j1");
  EXPECT_FALSE(find("bob", "j1"));
}

TEST_F(JobStoreTest, SettledJobsAreForgottenAfterTheRetentionTime) {
  start("demo", "j1");
  start("demo", "j2");
  store_.mark_timed_out("demo", "j1");
  clock_.advance(std::chrono::seconds(3600));
  store_.sweep();
  EXPECT_FALSE(find("demo", "j1"));
  EXPECT_TRUE(find("demo", "j2"));
}

TEST_F(JobStoreTest, TheOldestSettledJobMakesRoomBeyondThePerUserLimit) {
  for (const char* id : {"a", "b", "c"}) {
    start("demo", id);
    clock_.advance(std::chrono::seconds(1));
    store_.mark_timed_out("demo", id);
  }
  EXPECT_FALSE(find("demo", "a"));
  EXPECT_TRUE(find("demo", "c"));
}

TEST_F(JobStoreTest, PendingJobsNeverCountTowardsThePerUserLimit) {
  for (const char* id : {"p1", "p2", "p3"})
    start("demo", id);
  for (const char* id : {"a", "b", "c"}) {
    start("demo", id);
    store_.mark_timed_out("demo", id);
  }
  for (const char* id : {"p1", "p2", "p3", "b", "c"})
    EXPECT_TRUE(find("demo", id)) << id;
  EXPECT_FALSE(find("demo", "a"));
}

TEST_F(JobStoreTest, ALateReplySettlesTheJobAgainAsTheNewest) {
  for (const char* id : {"a", "b"}) {
    start("demo", id);
    clock_.advance(std::chrono::seconds(1));
    store_.mark_timed_out("demo", id);
  }
  store_.apply(event("a", "completed"));  // "a" is now the most recently settled
  start("demo", "c");
  store_.mark_timed_out("demo", "c");
  EXPECT_TRUE(find("demo", "a"));
  EXPECT_FALSE(find("demo", "b"));
  EXPECT_TRUE(find("demo", "c"));
}

TEST_F(JobStoreTest, ARestartedJobIsNoLongerTrimmedAsSettled) {
  start("demo", "a");
  store_.mark_timed_out("demo", "a");
  start("demo", "a");  // pending again under the same id
  for (const char* id : {"b", "c", "d"}) {
    start("demo", id);
    store_.mark_timed_out("demo", id);
  }
  EXPECT_EQ(find("demo", "a")->state, JobState::kPending);
  EXPECT_FALSE(find("demo", "b"));
}

TEST_F(JobStoreTest, TheSweepForgetsOnlyJobsPastTheRetentionTime) {
  MemoryJobStore store{clock_, JobStoreLimits{std::chrono::seconds(10), 100}};
  for (const char* id : {"a", "b", "c"}) {
    JobRecord record;
    record.job_id = id;
    store.start("demo", record);
    store.mark_timed_out("demo", id);
    clock_.advance(std::chrono::seconds(4));
  }
  // Settled at 0, 4 and 8 s; now 12 s.
  store.sweep();
  EXPECT_FALSE(store.find("demo", "a").value());
  EXPECT_TRUE(store.find("demo", "b").value());
  clock_.advance(std::chrono::seconds(2));
  store.sweep();
  EXPECT_FALSE(store.find("demo", "b").value());
  EXPECT_TRUE(store.find("demo", "c").value());
  clock_.advance(std::chrono::seconds(4));
  store.sweep();
  EXPECT_FALSE(store.find("demo", "c").value());
}

}  // namespace
}  // namespace bmcp::jobs
