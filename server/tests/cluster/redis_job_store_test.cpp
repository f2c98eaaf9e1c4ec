#include "cluster/redis_job_store.hpp"

#include <gtest/gtest.h>

#include <thread>

#include "../redis/redis_server.hpp"
#include "redis/redis_url.hpp"

namespace bmcp::cluster {
namespace {

using namespace std::chrono_literals;

class RedisJobStoreTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(redis_.start()) << "redis-server is needed (scripts/setup --test-deps)";
    store_.emplace(*redis::parse_redis_url(redis_.url()), redis::ClientOptions{});
    ASSERT_TRUE(store_->start());
    a_.emplace(*store_, clock_, jobs::JobStoreLimits{}, 3600s);
    b_.emplace(*store_, clock_, jobs::JobStoreLimits{}, 3600s);
  }
  std::optional<jobs::JobRecord> find(RedisJobStore& store, const std::string& job_id) {
    return store.find("demo", job_id).value();
  }
  static bus::JobEvent event(const std::string& job_id, const std::string& status,
                             bool pending = true) {
    return {"demo",
            {job_id, status, "out", "", std::nullopt, std::nullopt},
            status != "running",
            pending,
            true};
  }

  SystemClock clock_;
  redis::testing::RedisServer redis_;
  std::optional<SharedStore> store_;
  std::optional<RedisJobStore> a_;  // two nodes' stores
  std::optional<RedisJobStore> b_;
};

TEST_F(RedisJobStoreTest, AJobStartedOnOneNodeAndSettledOnAnotherReadsTheSameEverywhere) {
  jobs::JobRecord record;
  record.job_id = "j-1";
  record.command = "get_scene_info";
  record.target_uuids = {"blender-1"};
  record.created_at = 1700000000.25;
  a_->start("demo", record);
  EXPECT_EQ(find(*b_, "j-1")->state, jobs::JobState::kPending);
  b_->apply(event("j-1", "completed"));
  const auto settled = find(*a_, "j-1");
  ASSERT_TRUE(settled);
  EXPECT_EQ(settled->state, jobs::JobState::kCompleted);
  EXPECT_EQ(settled->result, "out");
  EXPECT_EQ(settled->command, "get_scene_info");
  EXPECT_EQ(settled->target_uuids, std::vector<std::string>{"blender-1"});
  EXPECT_DOUBLE_EQ(settled->created_at, 1700000000.25);
  EXPECT_TRUE(settled->finished_at);
}

TEST_F(RedisJobStoreTest, ALateReplyAfterATimeoutIsKeptAndEventsFromOtherNodesAreNotApplied) {
  jobs::JobRecord record;
  record.job_id = "j-2";
  a_->start("demo", record);
  a_->mark_timed_out("demo", "j-2");
  EXPECT_EQ(find(*a_, "j-2")->state, jobs::JobState::kTimedOut);
  auto remote = event("j-2", "completed");
  remote.local = false;
  b_->apply(remote);
  EXPECT_EQ(find(*a_, "j-2")->state, jobs::JobState::kTimedOut);
  b_->apply(event("j-2", "completed"));
  EXPECT_EQ(find(*a_, "j-2")->state, jobs::JobState::kCompleted);
}

TEST_F(RedisJobStoreTest, AReplyThatOvertakesItsTrackedStartStillCounts) {
  b_->apply(event("bus-1", "completed"));
  jobs::JobRecord late_start;
  late_start.job_id = "bus-1";
  a_->track("demo", late_start);
  // The tracked write is asynchronous; a command after it on the same connection sees it.
  ASSERT_TRUE(store_->command({"PING"}));
  EXPECT_EQ(find(*a_, "bus-1")->state, jobs::JobState::kCompleted);
  b_->apply(event("unknown", "completed", false));
  EXPECT_FALSE(find(*a_, "unknown"));
}

TEST_F(RedisJobStoreTest, ADispatchStartAfterItsReplyCompletesTheRecordInsteadOfReplacingIt) {
  b_->apply(event("j-3", "completed"));
  jobs::JobRecord record;
  record.job_id = "j-3";
  record.command = "get_scene_info";
  record.target_uuids = {"blender-1"};
  record.created_at = 1700000000.5;
  a_->start("demo", record);
  const auto found = find(*a_, "j-3");
  ASSERT_TRUE(found);
  EXPECT_EQ(found->state, jobs::JobState::kCompleted);
  EXPECT_EQ(found->result, "out");
  EXPECT_EQ(found->command, "get_scene_info");
  EXPECT_EQ(found->target_uuids, std::vector<std::string>{"blender-1"});
  EXPECT_DOUBLE_EQ(found->created_at, 1700000000.5);
  // Kept for the retention time of a settled job, not restarted as pending.
  const auto ttl = store_->command({"TTL", "bmcp:{demo}:job:j-3"});
  ASSERT_TRUE(ttl);
  EXPECT_GT(ttl->integer, 3000);
}

TEST_F(RedisJobStoreTest, EveryNodeCountsTheJobRecordsOfEveryUserUntilTheyExpireOrAreForgotten) {
  EXPECT_EQ(a_->size(), 0u);
  jobs::JobRecord record;
  record.job_id = "j-count-1";
  a_->start("demo", record);
  record.job_id = "j-count-2";
  b_->track("other", record);
  b_->apply(event("j-count-3", "completed"));  // a reply with no record yet makes one
  record.job_id = "j-count-1";
  b_->track("demo", record);  // already there: not counted twice
  EXPECT_EQ(a_->size(), 3u);
  EXPECT_EQ(b_->size(), 3u);
  a_->forget("demo", "j-count-1");
  EXPECT_EQ(b_->size(), 2u);
  // A store keeping settled records one second: they leave the count when they expire.
  RedisJobStore brief(*store_, clock_, jobs::JobStoreLimits{.retention = 1s}, 1s);
  brief.apply(event("j-count-4", "completed"));
  EXPECT_EQ(brief.size(), 3u);
  std::this_thread::sleep_for(1200ms);
  EXPECT_EQ(brief.size(), 2u);
  // Writes drop the index entries of expired records even when nobody counts.
  brief.apply(event("j-count-5", "completed"));
  std::this_thread::sleep_for(1200ms);
  brief.apply(event("j-count-6", "completed"));
  EXPECT_EQ(store_->command({"ZCARD", "bmcp:job-records"})->integer, 3);
}

TEST_F(RedisJobStoreTest, AStoppedStoreSaysSoOnRead) {
  redis_.stop();
  const auto found = a_->find("demo", "j-1");
  ASSERT_FALSE(found);
  EXPECT_NE(found.error().find("Redis"), std::string::npos);
}

}  // namespace
}  // namespace bmcp::cluster
