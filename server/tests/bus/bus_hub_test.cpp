#include "bus/bus_hub.hpp"

#include <gtest/gtest.h>

#include <algorithm>

#include "fake_endpoint.hpp"

namespace bmcp::bus {
namespace {

using testing::FakeEndpoint;
using Uuids = std::vector<std::string>;

class BusHubTest : public ::testing::Test {
 protected:
  BusHubTest() {
    hub_.add_job_listener([this](const JobEvent& event) { events_.push_back(event); });
  }
  std::shared_ptr<FakeEndpoint> add(const std::string& user, const std::string& uuid,
                                    const std::string& session) {
    auto endpoint = std::make_shared<FakeEndpoint>(session);
    EXPECT_TRUE(hub_.register_client(user, {uuid, "llm", false, {}, {}}, endpoint));
    return endpoint;
  }
  SendOutcome dispatch(const std::string& user, const std::string& from, const std::string& to,
                       const std::string& job_id) {
    SendRequest request;
    request.route = Route::direct(to);
    request.payload = {{"message_type", "job_dispatch"}, {"job_id", job_id}};
    request.origin = from;
    request.job_id = job_id;
    return hub_.send(user, request, true);
  }
  static JobUpdate update(const std::string& job_id, const std::string& status) {
    return {job_id, status, "3\n", "", std::nullopt, std::nullopt};
  }

  FakeClock clock_;
  BusHub hub_{clock_, BusLimits{}};
  std::vector<JobEvent> events_;
};

TEST_F(BusHubTest, ATrackedSendRecordsAPendingJobForItsTargets) {
  add("demo", "peer", "s2");
  dispatch("demo", "llm", "peer", "job-1");
  const auto entry = hub_.pending_jobs().find("demo", "job-1");
  ASSERT_TRUE(entry);
  EXPECT_EQ(entry->originator_uuid, "llm");
  EXPECT_EQ(entry->target_uuids, Uuids{"peer"});
  EXPECT_EQ(hub_.pending_jobs_for("demo"), 1u);
}

TEST_F(BusHubTest, JobStartListenersSeeATrackedJobBeforeItsTargetGetsTheRecord) {
  auto peer = add("demo", "peer", "s2");
  std::vector<JobStart> starts;
  std::size_t records_seen_at_start = 99;
  hub_.add_job_start_listener([&](const JobStart& start) {
    starts.push_back(start);
    records_seen_at_start = peer->received.size();
  });
  dispatch("demo", "llm", "peer", "job-1");
  ASSERT_EQ(starts.size(), 1u);
  EXPECT_EQ(starts[0].user_id, "demo");
  EXPECT_EQ(starts[0].job_id, "job-1");
  EXPECT_EQ(starts[0].target_uuids, Uuids{"peer"});
  EXPECT_EQ(records_seen_at_start, 0u);
  EXPECT_EQ(peer->received.size(), 1u);
}

TEST_F(BusHubTest, AReplyToADispatchOriginRoutesNoRecordAndStillSettlesTheJob) {
  auto peer = add("demo", "peer", "s2");
  auto bystander = add("demo", "llm-1", "s3");
  dispatch("demo", "server-dispatch:demo", "peer", "job-9");
  const auto routed = hub_.counters().routed.load();
  const auto outcome = hub_.job_update("demo", "s2", update("job-9", "completed"));
  ASSERT_TRUE(outcome);
  EXPECT_TRUE(outcome->direct);
  EXPECT_TRUE(outcome->sent.targets.empty());
  EXPECT_EQ(hub_.counters().routed.load(), routed);
  EXPECT_TRUE(bystander->received.empty());
  EXPECT_FALSE(hub_.pending_jobs().find("demo", "job-9"));
  ASSERT_EQ(events_.size(), 1u);
  EXPECT_TRUE(events_[0].pending);
  EXPECT_TRUE(events_[0].terminal);
}

TEST_F(BusHubTest, AnUntrackedSendStartsNoJob) {
  add("demo", "peer", "s2");
  int starts = 0;
  hub_.add_job_start_listener([&](const JobStart&) { ++starts; });
  SendRequest request;
  request.route = Route::direct("peer");
  request.payload = {{"hello", 1}};
  request.origin = "llm";
  request.job_id = "m-1";
  hub_.send("demo", request, false);
  EXPECT_EQ(starts, 0);
}

TEST_F(BusHubTest, AJobUpdateGoesDirectToTheOriginatorAtNotice) {
  auto llm = add("demo", "llm", "s1");
  add("demo", "peer", "s2");
  dispatch("demo", "llm", "peer", "job-1");
  const auto outcome = hub_.job_update("demo", "s2", update("job-1", "completed"));
  ASSERT_TRUE(outcome);
  EXPECT_TRUE(outcome->direct);
  EXPECT_EQ(outcome->sent.targets, Uuids{"llm"});
  ASSERT_EQ(llm->received.size(), 1u);
  const auto& reply = llm->received[0].message;
  EXPECT_EQ(reply.priority, LogLevel::kNotice);
  EXPECT_EQ(reply.from_uuid, "server:demo");
  EXPECT_EQ(reply.job_id, "job-1");
  EXPECT_EQ(reply.payload.as_object().at("kind"), "job_update");
}

TEST_F(BusHubTest, ATerminalUpdateClosesTheJobAndRunningDoesNot) {
  add("demo", "llm", "s1");
  add("demo", "peer", "s2");
  dispatch("demo", "llm", "peer", "job-1");
  ASSERT_TRUE(hub_.job_update("demo", "s2", update("job-1", "running")));
  EXPECT_EQ(hub_.pending_jobs_for("demo"), 1u);
  ASSERT_TRUE(hub_.job_update("demo", "s2", update("job-1", "failed")));
  EXPECT_EQ(hub_.pending_jobs_for("demo"), 0u);
  ASSERT_EQ(events_.size(), 2u);
  EXPECT_FALSE(events_[0].terminal);
  EXPECT_TRUE(events_[1].terminal);
  EXPECT_TRUE(events_[1].pending);
}

TEST_F(BusHubTest, AnUpdateFromASessionThatIsNotATargetIsRefusedAndRoutesNothing) {
  auto llm = add("demo", "llm", "s1");
  add("demo", "peer", "s2");
  dispatch("demo", "llm", "peer", "job-1");
  EXPECT_EQ(hub_.job_update("demo", "s1", update("job-1", "completed")).error(),
            JobUpdateError::kNotJobTarget);
  EXPECT_TRUE(llm->received.empty());
  EXPECT_EQ(hub_.pending_jobs_for("demo"), 1u);
  EXPECT_TRUE(events_.empty());
}

TEST_F(BusHubTest, AnUpdateForAJobOnlyAnotherUserHasIsAnsweredAsForAnUnknownJob) {
  auto llm = add("demo", "llm", "s1");
  add("demo", "peer", "s2");
  dispatch("demo", "llm", "peer", "job-1");
  auto bob = add("bob", "bob-llm", "s3");
  const auto outcome = hub_.job_update("bob", "s3", update("job-1", "completed"));
  ASSERT_TRUE(outcome);
  EXPECT_FALSE(outcome->direct);
  EXPECT_EQ(outcome->sent.targets, Uuids{"bob-llm"});
  EXPECT_EQ(bob->received.size(), 1u);
  ASSERT_EQ(events_.size(), 1u);
  EXPECT_EQ(events_[0].user_id, "bob");
  EXPECT_FALSE(events_[0].pending);
  // demo's entry is untouched and still settles from its own target.
  EXPECT_TRUE(llm->received.empty());
  EXPECT_EQ(hub_.pending_jobs_for("demo"), 1u);
  const auto settled = hub_.job_update("demo", "s2", update("job-1", "completed"));
  ASSERT_TRUE(settled);
  EXPECT_TRUE(settled->direct);
  EXPECT_EQ(llm->received.size(), 1u);
  EXPECT_EQ(hub_.pending_jobs_for("demo"), 0u);
}

TEST_F(BusHubTest, AnUnknownJobFallsBackToBroadcastOnTheCallersBusWithoutWakingAnyone) {
  auto llm = add("demo", "llm", "s1");
  auto bob = add("bob", "bob-llm", "s3");
  const auto outcome = hub_.job_update("demo", "s9", update("job-x", "completed"));
  ASSERT_TRUE(outcome);
  EXPECT_FALSE(outcome->direct);
  EXPECT_EQ(outcome->sent.targets, Uuids{"llm"});
  EXPECT_TRUE(bob->received.empty());
  ASSERT_EQ(events_.size(), 1u);
  EXPECT_FALSE(events_[0].pending);
}

TEST_F(BusHubTest, ClientStatesListEveryClientOfEveryBusWithItsTypeAndState) {
  add("demo", "a", "s1");
  add("bob", "b", "s2");
  ASSERT_TRUE(hub_.bus_for("bob")->register_client({"c", "blender", true, {}, {}},
                                                   std::make_shared<FakeEndpoint>("s3")));
  hub_.end_session("bob", "s3");  // the persistent client goes offline
  auto states = hub_.client_states();
  std::sort(states.begin(), states.end(), [](const ClientState& x, const ClientState& y) {
    return x.client_type < y.client_type;
  });
  ASSERT_EQ(states.size(), 3u);
  EXPECT_EQ(states[0].client_type, "blender");
  EXPECT_FALSE(states[0].online);
  EXPECT_EQ(states[1].client_type, "llm");
  EXPECT_TRUE(states[1].online);
  EXPECT_TRUE(states[2].online);
}

TEST_F(BusHubTest, EndingASessionOnlyTouchesThatUsersBus) {
  add("demo", "a", "same-id");
  add("bob", "b", "same-id");
  hub_.end_session("demo", "same-id");
  const auto counts = hub_.counts();
  EXPECT_EQ(counts.clients, 1u);
  EXPECT_EQ(counts.buses, 1u);
}

TEST_F(BusHubTest, DroppingAUserForgetsItsBusAndJobs) {
  add("demo", "peer", "s2");
  dispatch("demo", "llm", "peer", "job-1");
  hub_.drop_user("demo");
  EXPECT_EQ(hub_.find("demo"), nullptr);
  EXPECT_EQ(hub_.pending_jobs_for("demo"), 0u);
}

TEST_F(BusHubTest, SweepExpiresPendingJobsAfterADay) {
  add("demo", "peer", "s2");
  dispatch("demo", "llm", "peer", "job-1");
  clock_.advance(std::chrono::hours(24));
  hub_.sweep();
  EXPECT_EQ(hub_.pending_jobs_for("demo"), 0u);
}

TEST_F(BusHubTest, ClientDetailsCountWhatIsHeldForAnOfflinePersistentClient) {
  auto blender = std::make_shared<FakeEndpoint>("s1");
  Registration registration{"blender-1", "blender", true, {}, {}};
  registration.blender_version = "5.0.1";
  registration.host = "render-node-3";
  ASSERT_TRUE(hub_.register_client("demo", registration, blender));
  add("demo", "llm", "s2");
  hub_.end_session("demo", "s1");
  for (int i = 0; i < 3; ++i) {
    SendRequest request;
    request.route = Route::broadcast();
    request.payload = {{"n", i}};
    request.origin = "llm";
    hub_.send("demo", request, false);
  }
  auto details = hub_.client_details("demo");
  ASSERT_TRUE(details);
  ASSERT_EQ(details->size(), 2u);  // by connected_at
  EXPECT_EQ(details->at(0).uuid, "blender-1");
  EXPECT_EQ(details->at(0).held, 3u);
  EXPECT_EQ(details->at(0).queued, 0u);
  EXPECT_EQ(details->at(0).blender_version, "5.0.1");
  EXPECT_EQ(details->at(0).host, "render-node-3");
  EXPECT_EQ(details->at(1).uuid, "llm");
  EXPECT_EQ(details->at(1).held, 0u);
  EXPECT_EQ(details->at(1).host, std::nullopt);

  // Back online on a session without an open stream: the held records move to its queue.
  auto again = std::make_shared<FakeEndpoint>("s3");
  again->is_online = false;
  ASSERT_TRUE(hub_.register_client("demo", registration, again));
  details = hub_.client_details("demo");
  ASSERT_TRUE(details);
  EXPECT_EQ(details->at(0).held, 0u);
  EXPECT_EQ(details->at(0).queued, 3u);
  EXPECT_TRUE(hub_.client_details("nobody")->empty());
}

TEST_F(BusHubTest, ARegistrationWithABadReportChangesNothing) {
  Registration registration{"blender-1", "blender", true, {}, {}};
  registration.host = std::string("bad\x01host");
  const auto refused =
      hub_.register_client("demo", registration, std::make_shared<FakeEndpoint>("s1"));
  ASSERT_FALSE(refused);
  EXPECT_EQ(refused.error().first, RegisterError::kInvalidHost);
  EXPECT_TRUE(hub_.client_details("demo")->empty());
}

}  // namespace
}  // namespace bmcp::bus
