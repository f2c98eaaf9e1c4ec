#include "jobs/job_life.hpp"

#include <gtest/gtest.h>

#include "../bus/fake_endpoint.hpp"
#include "jobs/dispatcher.hpp"
#include "jobs/memory_job_store.hpp"

namespace bmcp::jobs {
namespace {

using bus::testing::FakeEndpoint;
using namespace std::chrono_literals;

// The real in-memory store, counting how often a job is recorded.
class CountingStore final : public JobStore {
 public:
  CountingStore(const Clock& clock, JobStoreLimits limits) : inner_(clock, limits) {}
  void start(const std::string& user_id, JobRecord record) override {
    ++recorded;
    inner_.start(user_id, std::move(record));
  }
  void track(const std::string& user_id, JobRecord record) override {
    ++recorded;
    inner_.track(user_id, std::move(record));
  }
  void mark_timed_out(const std::string& user_id, const std::string& job_id) override {
    inner_.mark_timed_out(user_id, job_id);
  }
  void mark_cancelled(const std::string& user_id, const std::string& job_id) override {
    inner_.mark_cancelled(user_id, job_id);
  }
  void forget(const std::string& user_id, const std::string& job_id) override {
    inner_.forget(user_id, job_id);
  }
  void apply(const bus::JobEvent& event) override { inner_.apply(event); }
  Result<std::optional<JobRecord>, std::string> find(const std::string& user_id,
                                                     const std::string& job_id) const override {
    return inner_.find(user_id, job_id);
  }
  void sweep() override { inner_.sweep(); }
  std::optional<std::size_t> size() const override { return inner_.size(); }

  int recorded = 0;

 private:
  MemoryJobStore inner_;
};

class JobLifeTest : public ::testing::Test {
 protected:
  std::shared_ptr<FakeEndpoint> join(const std::string& uuid, const std::string& type,
                                     const std::string& session) {
    auto endpoint = std::make_shared<FakeEndpoint>(session);
    EXPECT_TRUE(hub_.register_client("demo", {uuid, type, true, {}, {}}, endpoint));
    return endpoint;
  }

  FakeClock clock_;
  ManualScheduler scheduler_{clock_};
  bus::BusHub hub_{clock_, bus::BusLimits{}};
  CountingStore store_{clock_, JobStoreLimits{}};
  JobLife life_{hub_, store_, clock_};
  Dispatcher dispatcher_{hub_, life_.waiter(), store_, scheduler_, clock_};
};

TEST_F(JobLifeTest, ABusJobIsRecordedOnceWhenItsSendIsTrackedAndSettledByItsReply) {
  join("llm-1", "llm", "s-llm");
  join("blender-1", "blender", "s-blender");
  bus::SendRequest send;
  send.route = bus::Route::direct("blender-1");
  send.payload = json::object{{"job_id", "bus-1"}};
  send.origin = "llm-1";
  send.job_id = "bus-1";
  ASSERT_FALSE(hub_.send("demo", send, true).refused);
  EXPECT_EQ(store_.recorded, 1);
  const auto pending = store_.find("demo", "bus-1").value();
  ASSERT_TRUE(pending);
  EXPECT_EQ(pending->state, JobState::kPending);
  EXPECT_EQ(pending->target_uuids, std::vector<std::string>{"blender-1"});

  ASSERT_TRUE(hub_.job_update("demo", "s-blender", {"bus-1", "completed", "3", "", {}, {}}));
  const auto settled = store_.find("demo", "bus-1").value();
  ASSERT_TRUE(settled);
  EXPECT_EQ(settled->state, JobState::kCompleted);
  EXPECT_EQ(settled->result, "3");
}

TEST_F(JobLifeTest, ADispatchJobIsRecordedOnceWithItsCommandAndIsFinishedWhenItsCallerHears) {
  join("blender-1", "blender", "s-blender");
  std::optional<JobState> state_when_answered;
  std::string job_id;
  const auto call = dispatcher_.dispatch(
      {"demo", "get_scene_info", json::object{}, "", 30s},
      [&](DispatchReply reply) {
        job_id = std::string(reply.envelope.at("job_id").as_string());
        const auto record = store_.find("demo", job_id).value();
        if (record)
          state_when_answered = record->state;
      },
      nullptr);
  ASSERT_TRUE(call);
  EXPECT_EQ(store_.recorded, 1);
  ASSERT_TRUE(
      hub_.job_update("demo", "s-blender", {call->job_id(), "completed", "{}", "", {}, {}}));
  EXPECT_EQ(job_id, call->job_id());
  EXPECT_EQ(state_when_answered, JobState::kCompleted);
  EXPECT_EQ(store_.find("demo", job_id).value()->command, "get_scene_info");
  EXPECT_EQ(store_.recorded, 1);
}

TEST_F(JobLifeTest, OnlyDispatchOriginsAreDispatchOrigins) {
  EXPECT_TRUE(is_dispatch_origin(dispatch_origin("demo")));
  EXPECT_FALSE(is_dispatch_origin("llm-1"));
  EXPECT_FALSE(is_dispatch_origin("server:demo"));
}

}  // namespace
}  // namespace bmcp::jobs
