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

// A bus that, like a cluster's, tells the chosen target only after the send, and lets the
// target's reply arrive in between (a fast Blender on another node).
class ReplyFirstBus final : public bus::BusService {
 public:
  ReplyFirstBus(bus::BusHub& hub, std::string replying_session)
      : hub_(hub), session_(std::move(replying_session)) {}
  const bus::BusLimits& limits() const override { return hub_.limits(); }
  const bus::BusCounters& counters() const override { return hub_.counters(); }
  Result<json::object, std::pair<bus::RegisterError, std::string>> register_client(
      const std::string& user, bus::Registration registration,
      std::shared_ptr<bus::Endpoint> endpoint) override {
    return hub_.register_client(user, std::move(registration), std::move(endpoint));
  }
  Result<bool, bus::Unavailable> unregister_client(const std::string& user,
                                                   const std::string& uuid) override {
    return hub_.unregister_client(user, uuid);
  }
  bus::SendOutcome send(const std::string& user, const bus::SendRequest& request,
                        bool track) override {
    return hub_.send(user, request, track);
  }
  bus::ChosenSend send_to_chosen(const std::string& user, const std::string& type,
                                 const std::string& requested, bus::SendRequest request, bool track,
                                 const bus::ChosenCallback& on_chosen) override {
    std::string target;
    auto chosen = hub_.send_to_chosen(user, type, requested, request, track,
                                      [&](const std::string& uuid) { target = uuid; });
    if (target.empty())
      return chosen;
    const auto job_id = request.payload.at("job_id").as_string();
    EXPECT_TRUE(
        hub_.job_update(user, session_, {std::string(job_id), "completed", "early", "", {}, {}}));
    on_chosen(target);
    return chosen;
  }
  std::optional<bus::SendRefusal> size_refusal(const std::string& user,
                                               const bus::SendRequest& request) override {
    return hub_.size_refusal(user, request);
  }
  Result<bus::JobUpdateOutcome, bus::JobUpdateError> job_update(
      const std::string& user, const std::string& session, const bus::JobUpdate& update) override {
    return hub_.job_update(user, session, update);
  }
  void add_job_listener(bus::JobListener listener) override {
    hub_.add_job_listener(std::move(listener));
  }
  void add_job_start_listener(bus::JobStartListener listener) override {
    hub_.add_job_start_listener(std::move(listener));
  }
  Result<bus::ClientLists, bus::Unavailable> list(const std::string& user) const override {
    return hub_.list(user);
  }
  Result<std::vector<bus::Candidate>, bus::Unavailable> clients_of_type(
      const std::string& user, const std::string& type) const override {
    return hub_.clients_of_type(user, type);
  }
  Result<bus::BusStats, bus::Unavailable> stats(const std::string& user) const override {
    return hub_.stats(user);
  }
  Result<std::vector<bus::ClientDetail>, bus::Unavailable> client_details(
      const std::string& user) const override {
    return hub_.client_details(user);
  }
  void end_session(const std::string& user, const std::string& session) override {
    hub_.end_session(user, session);
  }
  void drop_user(const std::string& user) override { hub_.drop_user(user); }
  void sweep() override { hub_.sweep(); }
  bus::HubCounts counts() const override { return hub_.counts(); }
  std::vector<bus::ClientState> client_states() const override { return hub_.client_states(); }

 private:
  bus::BusHub& hub_;
  const std::string session_;
};

TEST_F(DispatcherTest, AReplyThatOvertakesTheChoiceIsAnsweredOnceTheTargetIsKnown) {
  blender("blender-1", "s1");
  ReplyFirstBus bus(hub_, "s1");
  Dispatcher dispatcher{bus, waiter_, store_, scheduler_, clock_};
  const auto call = dispatcher.dispatch(
      {"demo", "get_scene_info", json::object{}, "", std::chrono::duration<double>(30)},
      [this](DispatchReply reply) { envelopes_.push_back(std::move(reply.envelope)); });
  ASSERT_TRUE(call);
  ASSERT_EQ(envelopes_.size(), 1u);
  EXPECT_EQ(envelopes_[0].at("status"), "completed");
  EXPECT_EQ(envelopes_[0].at("target_uuid"), "blender-1");
  EXPECT_EQ(envelopes_[0].at("result"), "early");
  // Settled: no timer left, and the job is recorded with its command and target.
  EXPECT_EQ(scheduler_.pending(), 0u);
  const auto record = find(call->job_id());
  ASSERT_TRUE(record);
  EXPECT_EQ(record->command, "get_scene_info");
  EXPECT_EQ(record->target_uuids, std::vector<std::string>{"blender-1"});
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
