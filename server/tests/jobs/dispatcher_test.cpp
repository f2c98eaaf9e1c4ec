#include "jobs/dispatcher.hpp"

#include <gtest/gtest.h>

#include <cstring>
#include <memory>
#include <new>
#include <type_traits>

#include "../bus/fake_endpoint.hpp"
#include "jobs/job_life.hpp"
#include "jobs/memory_job_store.hpp"

namespace bmcp::jobs {
namespace {

using bus::testing::FakeEndpoint;
using namespace std::chrono_literals;

class DispatcherTest : public ::testing::Test {
 protected:
  std::shared_ptr<FakeEndpoint> blender(const std::string& uuid, const std::string& session) {
    auto endpoint = std::make_shared<FakeEndpoint>(session);
    EXPECT_TRUE(hub_.register_client("demo", {uuid, "blender", true, {}, {}}, endpoint));
    return endpoint;
  }
  std::shared_ptr<DispatchCall> run(std::string target = "", double timeout = 30) {
    return dispatcher_.dispatch(
        {"demo", "get_scene_info", json::object{}, std::move(target),
         std::chrono::duration<double>(timeout)},
        [this](DispatchReply reply) {
          envelopes_.push_back(std::move(reply.envelope));
          images_.push_back(std::move(reply.images));
        },
        [this](double percent, std::optional<std::string>) { progress_.push_back(percent); });
  }
  void reply(const std::string& session, const std::string& job_id, const std::string& status,
             std::optional<double> progress = std::nullopt) {
    ASSERT_TRUE(hub_.job_update("demo", session,
                                {job_id, status, "{\"name\":\"Scene\"}", "", progress, {}}));
  }

  std::optional<JobRecord> find(const std::string& job_id) const {
    return store_.find("demo", job_id).value();
  }

  FakeClock clock_;
  ManualScheduler scheduler_{clock_};
  bus::BusHub hub_{clock_, bus::BusLimits{}};
  MemoryJobStore store_{clock_, JobStoreLimits{}};
  JobLife life_{hub_, store_, clock_};
  JobWaiter& waiter_ = life_.waiter();
  Dispatcher dispatcher_{hub_, waiter_, store_, scheduler_, clock_};
  std::vector<json::object> envelopes_;
  std::vector<bus::SharedJobImages> images_;
  std::vector<double> progress_;
};

TEST_F(DispatcherTest, TheCommandGoesToTheOnlyBlenderAndTheReplyBecomesTheEnvelope) {
  auto peer = blender("blender-1", "s1");
  const auto call = run();
  ASSERT_TRUE(call);
  ASSERT_EQ(peer->received.size(), 1u);
  const auto& record = peer->received[0].message;
  EXPECT_EQ(record.from_uuid, "server-dispatch:demo");
  EXPECT_EQ(record.priority, LogLevel::kInfo);
  EXPECT_EQ(record.payload.at("message_type"), "command_dispatch");
  EXPECT_EQ(record.payload.at("command"), "get_scene_info");
  EXPECT_EQ(record.job_id, call->job_id());
  EXPECT_EQ(call->job_id().size(), 14u);
  EXPECT_EQ(hub_.pending_jobs_for("demo"), 1u);

  reply("s1", call->job_id(), "completed");
  ASSERT_EQ(envelopes_.size(), 1u);
  EXPECT_EQ(envelopes_[0].at("status"), "completed");
  EXPECT_EQ(envelopes_[0].at("target_uuid"), "blender-1");
  EXPECT_EQ(envelopes_[0].at("result"), "{\"name\":\"Scene\"}");
  EXPECT_EQ(hub_.pending_jobs_for("demo"), 0u);
  EXPECT_EQ(scheduler_.pending(), 0u);
}

TEST_F(DispatcherTest, TheImagesOfTheReplyComeWithTheEnvelopeAndStayOutOfIt) {
  blender("blender-1", "s1");
  const auto call = run();
  bus::JobUpdate update{call->job_id(), "completed", R"({"width":4})", "", {}, {}};
  update.images =
      std::make_shared<const bus::JobImages>(bus::JobImages{{"image/png", "iVBORw0KGgo=", "top"}});
  ASSERT_TRUE(hub_.job_update("demo", "s1", update));
  ASSERT_EQ(envelopes_.size(), 1u);
  EXPECT_EQ(envelopes_[0].size(), 6u);
  EXPECT_EQ(envelopes_[0].at("result"), R"({"width":4})");
  ASSERT_TRUE(images_[0]);
  EXPECT_EQ(images_[0].get(), update.images.get());  // shared, not copied
}

TEST_F(DispatcherTest, ATargetErrorIsAnsweredAtOnceAndSendsNothing) {
  EXPECT_EQ(run(), nullptr);
  EXPECT_EQ(envelopes_.at(0).at("status"), "no_client");
  EXPECT_EQ(images_.at(0), nullptr);
  EXPECT_EQ(hub_.pending_jobs_for("demo"), 0u);
}

TEST_F(DispatcherTest, ATimeoutAnswersAndALateReplyIsStillKept) {
  blender("blender-1", "s1");
  const auto call = run("", 5);
  const auto job_id = call->job_id();
  scheduler_.advance(5s);
  ASSERT_EQ(envelopes_.size(), 1u);
  EXPECT_EQ(envelopes_[0].at("status"), "timeout");
  EXPECT_EQ(find(job_id)->state, JobState::kTimedOut);
  reply("s1", job_id, "completed");
  EXPECT_EQ(envelopes_.size(), 1u);
  EXPECT_EQ(find(job_id)->state, JobState::kCompleted);
  EXPECT_EQ(find(job_id)->result, "{\"name\":\"Scene\"}");
}

TEST_F(DispatcherTest, TheObserverSeesEachEnvelopesCommandStatusAndDuration) {
  struct Seen {
    std::string user;
    std::string command;
    std::string status;
    std::string job_id;
    std::chrono::nanoseconds elapsed;
  };
  std::vector<Seen> seen;
  dispatcher_.set_observer([&seen](const DispatchOutcome& outcome) {
    seen.push_back({std::string(outcome.user_id), std::string(outcome.command),
                    std::string(outcome.status), std::string(outcome.job_id), outcome.elapsed});
  });
  run();  // no Blender: answered at once
  blender("blender-1", "s1");
  const auto call = run();
  clock_.advance(2s);
  reply("s1", call->job_id(), "failed");
  const auto late = run("", 5);
  scheduler_.advance(5s);
  ASSERT_EQ(seen.size(), 3u);
  EXPECT_EQ(seen[0].user, "demo");
  EXPECT_EQ(seen[0].command, "get_scene_info");
  EXPECT_EQ(seen[0].status, "no_client");
  EXPECT_EQ(seen[0].job_id, "");
  EXPECT_EQ(seen[0].elapsed, 0s);
  EXPECT_EQ(seen[1].status, "failed");
  EXPECT_EQ(seen[1].job_id, call->job_id());
  EXPECT_EQ(seen[1].elapsed, 2s);
  EXPECT_EQ(seen[2].status, "timeout");
  EXPECT_EQ(seen[2].job_id, late->job_id());
  EXPECT_EQ(seen[2].elapsed, 5s);
  EXPECT_EQ(envelopes_.size(), 3u);  // the callers are answered as before
}

TEST_F(DispatcherTest, CancellingEndsTheWaitAndTellsThePeer) {
  auto peer = blender("blender-1", "s1");
  const auto call = run();
  call->cancel();
  EXPECT_TRUE(envelopes_.empty());
  ASSERT_EQ(peer->received.size(), 2u);
  EXPECT_EQ(peer->received[1].message.payload,
            (json::object{{"message_type", "cancel"}, {"job_id", call->job_id()}}));
  EXPECT_EQ(peer->received[1].message.priority, LogLevel::kNotice);
  EXPECT_EQ(find(call->job_id())->state, JobState::kCancelled);
  // The entry stays, as after a timeout, so the target's reply is not broadcast.
  EXPECT_EQ(hub_.pending_jobs_for("demo"), 1u);
  EXPECT_EQ(waiter_.size(), 0u);
  scheduler_.advance(60s);
  EXPECT_TRUE(envelopes_.empty());
}

TEST_F(DispatcherTest, ACallKeepsWorkingAfterTheDispatcherThatStartedItIsGone) {
  auto peer = blender("blender-1", "s1");
  std::vector<std::string> observed;
  std::shared_ptr<DispatchCall> replied, timed_out, cancelled;
  {
    // Its own storage, overwritten once the dispatcher is destroyed: a call that still reached
    // into it would read garbage (and ASan reports it).
    auto storage =
        std::make_unique<std::aligned_storage_t<sizeof(Dispatcher), alignof(Dispatcher)>>();
    auto* gone = new (storage.get()) Dispatcher(hub_, waiter_, store_, scheduler_, clock_);
    gone->set_observer(
        [&observed](const DispatchOutcome& outcome) { observed.emplace_back(outcome.status); });
    auto start = [&](double timeout) {
      return gone->dispatch(
          {"demo", "get_scene_info", json::object{}, "", std::chrono::duration<double>(timeout)},
          [this](DispatchReply reply) { envelopes_.push_back(reply.envelope); });
    };
    replied = start(30);
    timed_out = start(5);
    cancelled = start(30);
    gone->~Dispatcher();
    std::memset(static_cast<void*>(storage.get()), 0xA5, sizeof(Dispatcher));
  }
  ASSERT_TRUE(replied && timed_out && cancelled);
  reply("s1", replied->job_id(), "completed");
  scheduler_.advance(5s);
  cancelled->cancel();
  ASSERT_EQ(envelopes_.size(), 2u);
  EXPECT_EQ(envelopes_[0].at("status"), "completed");
  EXPECT_EQ(envelopes_[1].at("status"), "timeout");
  EXPECT_EQ(observed, (std::vector<std::string>{"completed", "timeout"}));
  EXPECT_EQ(find(timed_out->job_id())->state, JobState::kTimedOut);
  EXPECT_EQ(find(cancelled->job_id())->state, JobState::kCancelled);
  ASSERT_EQ(peer->received.size(), 4u);  // three dispatches and the cancel notice
  EXPECT_EQ(peer->received[3].message.payload.at("message_type"), "cancel");
  EXPECT_EQ(scheduler_.pending(), 0u);
}

TEST_F(DispatcherTest, RunningUpdatesWithProgressBecomePercentages) {
  blender("blender-1", "s1");
  const auto call = run();
  reply("s1", call->job_id(), "running", 0.25);
  reply("s1", call->job_id(), "running");
  EXPECT_EQ(progress_, std::vector<double>{25.0});
  EXPECT_TRUE(envelopes_.empty());
}

TEST_F(DispatcherTest, ARequestedTargetIsUsedAmongSeveral) {
  blender("blender-abc", "s1");
  auto def = blender("blender-def", "s2");
  EXPECT_EQ(run(), nullptr);
  EXPECT_EQ(envelopes_.at(0).at("status"), "ambiguous_target");
  ASSERT_TRUE(run("blender-def"));
  EXPECT_EQ(def->received.size(), 1u);
}

}  // namespace
}  // namespace bmcp::jobs
