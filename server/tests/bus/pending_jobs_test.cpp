#include "bus/pending_jobs.hpp"

#include <gtest/gtest.h>

namespace bmcp::bus {
namespace {

class PendingJobsTest : public ::testing::Test {
 protected:
  FakeClock clock_;
  BusLimits limits_;
  BusCounters counters_;
  PendingJobs jobs_{clock_, limits_, counters_};
};

TEST_F(PendingJobsTest, AnEntryIsFoundOnlyForItsOwnUser) {
  jobs_.record("demo", "job-1", "llm-1", {"blender-1"});
  ASSERT_TRUE(jobs_.find("demo", "job-1"));
  EXPECT_EQ(jobs_.find("demo", "job-1")->originator_uuid, "llm-1");
  EXPECT_FALSE(jobs_.find("alice", "job-1"));
}

TEST_F(PendingJobsTest, ALaterSendWithTheSameJobIdReplacesTheEntry) {
  jobs_.record("demo", "job-1", "llm-1", {"a"});
  const auto first = jobs_.find("demo", "job-1")->generation;
  jobs_.record("demo", "job-1", "llm-2", {"b"});
  EXPECT_EQ(jobs_.find("demo", "job-1")->originator_uuid, "llm-2");
  EXPECT_FALSE(jobs_.close("demo", "job-1", first));
  EXPECT_EQ(jobs_.count_for("demo"), 1u);
}

TEST_F(PendingJobsTest, ASendFromOneOfTheJobsTargetsLeavesTheEntryAsItIs) {
  EXPECT_TRUE(jobs_.record("demo", "job-1", "llm-1", {"blender-1", "blender-2"}));
  const auto before = *jobs_.find("demo", "job-1");
  EXPECT_FALSE(jobs_.record("demo", "job-1", "blender-2", {"llm-1"}));
  const auto after = *jobs_.find("demo", "job-1");
  EXPECT_EQ(after.originator_uuid, "llm-1");
  EXPECT_EQ(after.target_uuids, before.target_uuids);
  EXPECT_EQ(after.generation, before.generation);
}

TEST_F(PendingJobsTest, CloseRemovesTheEntry) {
  jobs_.record("demo", "job-1", "llm-1", {"a"});
  EXPECT_TRUE(jobs_.close("demo", "job-1", jobs_.find("demo", "job-1")->generation));
  EXPECT_EQ(jobs_.count_for("demo"), 0u);
}

TEST_F(PendingJobsTest, RemoveDropsTheEntryWhateverItsGeneration) {
  jobs_.record("demo", "job-1", "x", {});
  EXPECT_TRUE(jobs_.remove("demo", "job-1"));
  EXPECT_FALSE(jobs_.remove("demo", "job-1"));
}

TEST_F(PendingJobsTest, TwoUsersWithOneJobIdHaveTwoIndependentEntries) {
  jobs_.record("demo", "job-1", "a", {"t"});
  EXPECT_FALSE(jobs_.find("alice", "job-1"));
  EXPECT_FALSE(jobs_.remove("alice", "job-1"));
  EXPECT_FALSE(jobs_.close("alice", "job-1", jobs_.find("demo", "job-1")->generation));
  // A target uuid of demo's entry sending as alice neither replaces nor is refused by it.
  EXPECT_TRUE(jobs_.record("alice", "job-1", "t", {"b"}));
  EXPECT_EQ(jobs_.find("alice", "job-1")->originator_uuid, "t");
  EXPECT_TRUE(jobs_.remove("alice", "job-1"));
  ASSERT_TRUE(jobs_.find("demo", "job-1"));
  EXPECT_EQ(jobs_.find("demo", "job-1")->originator_uuid, "a");
  EXPECT_EQ(jobs_.count_for("demo"), 1u);
}

TEST_F(PendingJobsTest, TheOldestEntryIsEvictedAtThePerUserCapAndCounted) {
  limits_.max_pending_jobs_per_user = 2;
  jobs_.record("demo", "a", "x", {});
  jobs_.record("demo", "b", "x", {});
  jobs_.record("demo", "c", "x", {});
  EXPECT_FALSE(jobs_.find("demo", "a"));
  EXPECT_TRUE(jobs_.find("demo", "c"));
  EXPECT_EQ(counters_.pending_jobs_evicted, 1u);
}

TEST_F(PendingJobsTest, EntriesExpireAfterTheirTtl) {
  jobs_.record("demo", "old", "x", {});
  clock_.advance(std::chrono::hours(23));
  jobs_.record("demo", "new", "x", {});
  clock_.advance(std::chrono::hours(1));
  EXPECT_EQ(jobs_.expire(), 1u);
  EXPECT_FALSE(jobs_.find("demo", "old"));
  EXPECT_TRUE(jobs_.find("demo", "new"));
  EXPECT_EQ(counters_.pending_jobs_expired, 1u);
}

TEST_F(PendingJobsTest, DroppingAUserForgetsOnlyItsOwnEntries) {
  jobs_.record("demo", "job-1", "x", {});
  jobs_.record("alice", "job-1", "y", {});
  jobs_.drop_user("demo");
  EXPECT_EQ(jobs_.count_for("demo"), 0u);
  EXPECT_FALSE(jobs_.find("demo", "job-1"));
  EXPECT_EQ(jobs_.count_for("alice"), 1u);
}

}  // namespace
}  // namespace bmcp::bus
