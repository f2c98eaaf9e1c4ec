#include "cluster/redis_bus.hpp"

#include <gtest/gtest.h>

#include <chrono>
#include <thread>

#include "../bus/fake_endpoint.hpp"
#include "../redis/eventually.hpp"
#include "../redis/redis_server.hpp"
#include "cluster/node_presence.hpp"
#include "cluster/redis_job_store.hpp"
#include "redis/redis_url.hpp"

namespace bmcp::cluster {
namespace {

using bus::testing::FakeEndpoint;
using namespace std::chrono_literals;

// One node of a test cluster: its store connections, bus and presence.
struct Node {
  Node(const std::string& url, std::string id, bus::BusLimits limits = {})
      : store(*redis::parse_redis_url(url), redis::ClientOptions{2000ms, 50ms, 200ms}),
        bus(store, clock, limits, id),
        presence(store, bus, id, PresenceOptions{200ms, 600ms}) {
    auto opened = store.start();
    if (opened) {
      bus.start();
      opened = presence.join();
    }
    started = opened.ok();
    if (!opened)
      error = opened.error();
  }
  // The store's threads call into the bus: they stop before the bus goes.
  ~Node() { store.stop(); }

  SystemClock clock;
  SharedStore store;
  RedisBus bus;
  NodePresence presence;
  bool started = false;
  std::string error;  // why it did not start
};

using redis::testing::eventually;

json::object data_of(const std::string& text) {
  return parse_json(text)->at("params").at("data").as_object();
}

bus::SendRequest broadcast(json::object payload, const std::string& origin = "llm-1",
                           LogLevel priority = LogLevel::kInfo) {
  bus::SendRequest request;
  request.route = bus::Route::broadcast();
  request.payload = std::move(payload);
  request.priority = priority;
  request.origin = origin;
  return request;
}

class RedisBusTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(redis_.start()) << "redis-server is needed (scripts/setup --test-deps)";
    a_.emplace(redis_.url(), "node-a");
    b_.emplace(redis_.url(), "node-b");
    ASSERT_TRUE(a_->started && b_->started) << a_->error << b_->error;
  }
  std::shared_ptr<FakeEndpoint> join(Node& node, const std::string& uuid, const std::string& type,
                                     bool persistent, const std::string& session,
                                     LogLevel level = LogLevel::kDebug) {
    auto endpoint = std::make_shared<FakeEndpoint>(session, level);
    const auto info = node.bus.register_client("demo", {uuid, type, persistent, {}, {}}, endpoint);
    EXPECT_TRUE(info) << (info ? "" : info.error().second);
    return endpoint;
  }

  redis::testing::RedisServer redis_;
  std::optional<Node> a_;
  std::optional<Node> b_;
};

TEST_F(RedisBusTest, ABroadcastOnOneNodeReachesClientsOnBothInOrder) {
  auto llm = join(*a_, "llm-1", "llm", false, "s-a");
  auto blender = join(*b_, "blender-1", "blender", true, "s-b");
  auto other = join(*a_, "llm-2", "llm", false, "s-a2");
  for (int i = 0; i < 50; ++i) {
    const auto outcome = a_->bus.send("demo", broadcast({{"n", i}}), false);
    ASSERT_FALSE(outcome.refused);
    EXPECT_EQ(outcome.targets, (std::vector<std::string>{"blender-1", "llm-2"}));
  }
  ASSERT_TRUE(
      eventually([&] { return blender->texts().size() == 50 && other->texts().size() == 50; }));
  for (int i = 0; i < 50; ++i) {
    const auto data = data_of(blender->texts()[static_cast<std::size_t>(i)]);
    EXPECT_EQ(data.at("payload").at("n"), i);
    EXPECT_EQ(data.at("target_uuid"), "blender-1");
    EXPECT_EQ(data.at("from_uuid"), "llm-1");
  }
  EXPECT_TRUE(llm->texts().empty());
}

TEST_F(RedisBusTest, SmallLargeAndSharedSessionRecordsArriveOnceInOrderWithConsecutiveIds) {
  // Small records ride with their wake-up; one over 64 KiB, and two records for one session in
  // one send, are read from the stream: mixed, each arrives once, in order.
  auto first = std::make_shared<FakeEndpoint>("s-shared", LogLevel::kDebug);
  ASSERT_TRUE(a_->bus.register_client("demo", {"llm-1", "llm", false, {}, {}}, first));
  ASSERT_TRUE(a_->bus.register_client("demo", {"llm-2", "llm", false, {}, {}}, first));
  const std::string large(100 * 1024, 'x');
  for (int i = 0; i < 30; ++i) {
    json::object payload{{"n", i}};
    if (i % 7 == 3)
      payload["large"] = large;
    bus::SendRequest request = broadcast(std::move(payload), "llm-9");
    if (i % 2 == 0) {
      request.route = bus::Route::direct("llm-1");
    }
    ASSERT_FALSE(b_->bus.send("demo", request, false).refused);
  }
  // 15 direct sends to llm-1 and 15 broadcasts to both: 45 records on the one session.
  ASSERT_TRUE(eventually([&] { return first->texts().size() == 45; }));
  const auto ids = first->event_ids();
  for (std::size_t i = 0; i < ids.size(); ++i)
    EXPECT_EQ(ids[i], i + 1);
  int last_n = -1;
  for (const auto& text : first->texts()) {
    const auto n = static_cast<int>(data_of(text).at("payload").at("n").as_int64());
    EXPECT_GE(n, last_n);
    last_n = n;
  }
  EXPECT_EQ(last_n, 29);
}

TEST_F(RedisBusTest, EachSessionNumbersItsRecordsAndAStreamResumesOnAnotherNode) {
  auto llm = join(*a_, "llm-1", "llm", false, "s-1");
  for (int i = 0; i < 10; ++i)
    ASSERT_FALSE(b_->bus.send("demo", broadcast({{"n", i}}, "llm-9"), false).refused);
  ASSERT_TRUE(eventually([&] { return llm->texts().size() == 10; }));
  EXPECT_EQ(llm->event_ids().front(), 1u);
  EXPECT_EQ(llm->event_ids().back(), 10u);

  // The client's stream reopens on node B after event 4: B serves the session from there.
  auto moved = std::make_shared<FakeEndpoint>("s-1");
  b_->bus.serve_stream("demo", moved, 4);
  ASSERT_TRUE(eventually([&] { return moved->texts().size() == 6; }));
  EXPECT_EQ(moved->event_ids().front(), 5u);
  EXPECT_EQ(data_of(moved->texts().front()).at("payload").at("n"), 4);
  ASSERT_FALSE(a_->bus.send("demo", broadcast({{"n", 10}}, "llm-9"), false).refused);
  ASSERT_TRUE(eventually([&] { return moved->texts().size() == 7; }));
  EXPECT_EQ(moved->event_ids().back(), 11u);
  EXPECT_EQ(llm->texts().size(), 10u);  // node A no longer feeds it
}

TEST_F(RedisBusTest, ListingsFromEitherNodeShowEveryClientByRegistrationOrder) {
  join(*a_, "llm-1", "llm", false, "s-a");
  join(*b_, "blender-1", "blender", true, "s-b");
  for (auto* node : {&*a_, &*b_}) {
    const auto lists = node->bus.list("demo");
    ASSERT_TRUE(lists);
    ASSERT_EQ(lists->persistent.size(), 1u);
    ASSERT_EQ(lists->ephemeral.size(), 1u);
    EXPECT_EQ(lists->persistent[0].at("uuid"), "blender-1");
    EXPECT_EQ(lists->persistent[0].at("online"), true);
    EXPECT_EQ(lists->ephemeral[0].at("uuid"), "llm-1");
    const auto candidates = node->bus.clients_of_type("demo", "blender");
    ASSERT_TRUE(candidates);
    ASSERT_EQ(candidates->size(), 1u);
    EXPECT_EQ(candidates->at(0).uuid, "blender-1");
  }
}

TEST_F(RedisBusTest, TheLevelFilterUsesTheRecipientSessionsCurrentLevel) {
  auto blender = join(*b_, "blender-1", "blender", true, "s-b", LogLevel::kWarning);
  auto outcome = a_->bus.send("demo", broadcast({{"n", 1}}, "llm-1", LogLevel::kInfo), false);
  EXPECT_EQ(outcome.filtered_by_level, std::vector<std::string>{"blender-1"});
  b_->bus.set_level("demo", "s-b", LogLevel::kDebug);  // logging/setLevel on that session
  outcome = a_->bus.send("demo", broadcast({{"n", 2}}, "llm-1", LogLevel::kInfo), false);
  EXPECT_TRUE(outcome.filtered_by_level.empty());
  ASSERT_TRUE(eventually([&] { return blender->texts().size() == 1; }));
  EXPECT_EQ(data_of(blender->texts()[0]).at("payload").at("n"), 2);
}

TEST_F(RedisBusTest, RecordsForAnOfflinePersistentClientAreHeldAndComeInOrderOnAnotherNode) {
  join(*a_, "blender-1", "blender", true, "s-old");
  a_->bus.end_session("demo", "s-old");
  for (int i = 0; i < 20; ++i) {
    const auto outcome = a_->bus.send("demo", broadcast({{"n", i}}, "llm-9"), false);
    EXPECT_EQ(outcome.offline, std::vector<std::string>{"blender-1"});
  }
  auto again = join(*b_, "blender-1", "blender", true, "s-new");
  ASSERT_TRUE(eventually([&] { return again->texts().size() == 20; }));
  for (int i = 0; i < 20; ++i)
    EXPECT_EQ(data_of(again->texts()[static_cast<std::size_t>(i)]).at("payload").at("n"), i);
}

TEST_F(RedisBusTest, ClientsOfANodeThatStopsReportingGoOfflineAndEphemeralOnesLeave) {
  join(*a_, "llm-1", "llm", false, "s-a");
  join(*a_, "blender-1", "blender", true, "s-a");
  a_.reset();  // no goodbye: its heartbeat just stops
  ASSERT_TRUE(eventually(
      [&] {
        b_->presence.tick();
        const auto lists = b_->bus.list("demo");
        return lists && lists->ephemeral.empty() && lists->persistent.size() == 1 &&
               lists->persistent[0].at("online") == false;
      },
      5000ms));
}

TEST_F(RedisBusTest, AJobUpdateOnOneNodeSettlesThePendingJobAndWakesWaitersOnTheOther) {
  auto llm = join(*a_, "llm-1", "llm", false, "s-a");
  join(*b_, "blender-1", "blender", true, "s-b");
  std::atomic<int> remote_events{0};
  a_->bus.add_job_listener([&](const bus::JobEvent& event) {
    if (!event.local && event.pending && event.terminal)
      ++remote_events;
  });
  bus::SendRequest request;
  request.route = bus::Route::direct("blender-1");
  request.payload = json::object{{"job_id", "job-7"}};
  request.origin = "llm-1";
  request.job_id = "job-7";
  const auto sent = a_->bus.send("demo", request, true);
  ASSERT_EQ(sent.targets, std::vector<std::string>{"blender-1"});
  EXPECT_EQ(a_->bus.stats("demo")->pending_jobs, 1u);

  EXPECT_EQ(b_->bus.job_update("demo", "s-other", {"job-7", "completed", "3", "", {}, {}}).error(),
            bus::JobUpdateError::kNotJobTarget);
  const auto updated = b_->bus.job_update("demo", "s-b", {"job-7", "completed", "3", "", {}, {}});
  ASSERT_TRUE(updated);
  EXPECT_TRUE(updated->direct);
  ASSERT_TRUE(eventually([&] { return remote_events == 1 && llm->texts().size() == 1; }));
  EXPECT_EQ(data_of(llm->texts()[0]).at("payload").at("result"), "3");
  EXPECT_EQ(a_->bus.stats("demo")->pending_jobs, 0u);
}

TEST_F(RedisBusTest, AReplyToAnOriginThatIsNoClientIsRoutedToNobodyAndClosesTheJob) {
  join(*b_, "blender-1", "blender", true, "s-b");
  auto bystander = join(*a_, "llm-1", "llm", false, "s-a");
  std::atomic<int> remote_terminal{0};
  a_->bus.add_job_listener([&](const bus::JobEvent& event) {
    if (!event.local && event.pending && event.terminal)
      ++remote_terminal;
  });
  bus::SendRequest request;
  request.route = bus::Route::direct("blender-1");
  request.payload = json::object{{"job_id", "job-9"}};
  request.origin = "server-dispatch:demo";
  request.job_id = "job-9";
  ASSERT_FALSE(a_->bus.send("demo", request, true).refused);

  const auto running = b_->bus.job_update("demo", "s-b", {"job-9", "running", "", "", 0.5, {}});
  ASSERT_TRUE(running);
  EXPECT_TRUE(running->direct);
  EXPECT_EQ(a_->bus.stats("demo")->pending_jobs, 1u);
  const auto done = b_->bus.job_update("demo", "s-b", {"job-9", "completed", "3", "", {}, {}});
  ASSERT_TRUE(done);
  EXPECT_TRUE(done->direct);
  EXPECT_TRUE(done->sent.targets.empty());
  EXPECT_EQ(a_->bus.stats("demo")->pending_jobs, 0u);
  ASSERT_TRUE(eventually([&] { return remote_terminal == 1; }));
  // The job is closed: a second reply is an unknown job's, broadcast to the bus.
  const auto again = b_->bus.job_update("demo", "s-b", {"job-9", "completed", "3", "", {}, {}});
  ASSERT_TRUE(again);
  EXPECT_FALSE(again->direct);
  EXPECT_EQ(again->sent.targets, (std::vector<std::string>{"blender-1", "llm-1"}));
  ASSERT_TRUE(eventually([&] { return bystander->texts().size() == 1; }));
}

TEST_F(RedisBusTest, AReplyReachingNobodyIsRecordedAndAnnouncedByTheStoreInTheSameCall) {
  RedisJobStore jobs_b(b_->store, b_->clock, {}, std::chrono::seconds(60));
  b_->bus.record_job_updates_with(
      [&](const bus::JobEvent& event) { return jobs_b.apply_arguments(event); });
  join(*b_, "blender-1", "blender", true, "s-b");
  std::atomic<int> remote_terminal{0};
  a_->bus.add_job_listener([&](const bus::JobEvent& event) {
    if (!event.local && event.pending && event.terminal && event.update.result == "3")
      ++remote_terminal;
  });
  std::vector<bool> local_flags;
  b_->bus.add_job_listener([&](const bus::JobEvent& event) { local_flags.push_back(event.local); });
  bus::SendRequest request;
  request.route = bus::Route::direct("blender-1");
  request.payload = json::object{{"job_id", "job-11"}};
  request.origin = "server-dispatch:demo";
  request.job_id = "job-11";
  ASSERT_FALSE(a_->bus.send("demo", request, true).refused);

  const auto done = b_->bus.job_update("demo", "s-b", {"job-11", "completed", "3", "", {}, {}});
  ASSERT_TRUE(done);
  EXPECT_TRUE(done->direct);
  EXPECT_TRUE(done->sent.targets.empty());
  // The store applied the update itself: the node's listeners hear it as already recorded.
  EXPECT_EQ(local_flags, std::vector<bool>{false});
  const auto record = jobs_b.find("demo", "job-11");
  ASSERT_TRUE(record && *record);
  EXPECT_EQ((*record)->state, jobs::JobState::kCompleted);
  EXPECT_EQ((*record)->result, "3");
  ASSERT_TRUE(eventually([&] { return remote_terminal == 1; }));
  EXPECT_EQ(a_->bus.stats("demo")->pending_jobs, 0u);
}

bus::SendRequest dispatch_record(const std::string& job_id) {
  bus::SendRequest request;
  request.payload = json::object{{"message_type", "command_dispatch"}, {"job_id", job_id}};
  request.origin = "server-dispatch:demo";
  request.job_id = job_id;
  return request;
}

TEST_F(RedisBusTest, TheStoreChoosesADispatchTargetAsOneNodeWouldAndSendsInTheSameCall) {
  std::vector<std::string> chosen;
  const auto remember = [&](const std::string& target) { chosen.push_back(target); };
  auto sent = a_->bus.send_to_chosen("demo", "blender", "", dispatch_record("j-0"), true, remember);
  ASSERT_TRUE(sent.target_error);
  EXPECT_EQ(sent.target_error->kind, bus::TargetError::Kind::kNoClient);

  auto blender = join(*b_, "blender-2", "blender", true, "s-b");
  join(*a_, "llm-1", "llm", false, "s-a");
  sent = a_->bus.send_to_chosen("demo", "blender", "", dispatch_record("j-1"), true, remember);
  ASSERT_FALSE(sent.target_error);
  ASSERT_FALSE(sent.outcome.refused);
  EXPECT_EQ(sent.target, "blender-2");
  EXPECT_EQ(sent.outcome.targets, std::vector<std::string>{"blender-2"});
  EXPECT_EQ(chosen, std::vector<std::string>{"blender-2"});
  ASSERT_TRUE(eventually([&] { return blender->texts().size() == 1; }));
  const auto data = data_of(blender->texts()[0]);
  EXPECT_EQ(data.at("target_uuid"), "blender-2");
  EXPECT_EQ(data.at("routing"), (json::object{{"type", "direct"}, {"target_uuid", "blender-2"}}));
  EXPECT_EQ(a_->bus.stats("demo")->pending_jobs, 1u);

  sent = a_->bus.send_to_chosen("demo", "blender", "llm-1", dispatch_record("j-2"), true, remember);
  ASSERT_TRUE(sent.target_error);
  EXPECT_EQ(sent.target_error->kind, bus::TargetError::Kind::kUnknown);
  EXPECT_EQ(sent.target_error->target_uuid, "llm-1");

  join(*a_, "blender-1", "blender", true, "s-a2");
  sent = a_->bus.send_to_chosen("demo", "blender", "", dispatch_record("j-3"), true, remember);
  ASSERT_TRUE(sent.target_error);
  EXPECT_EQ(sent.target_error->kind, bus::TargetError::Kind::kAmbiguous);
  EXPECT_EQ(sent.target_error->candidates, (std::vector<std::string>{"blender-1", "blender-2"}));

  b_->bus.end_session("demo", "s-b");  // persistent: blender-2 stays, offline
  sent = a_->bus.send_to_chosen("demo", "blender", "blender-2", dispatch_record("j-4"), true,
                                remember);
  ASSERT_TRUE(sent.target_error);
  EXPECT_EQ(sent.target_error->kind, bus::TargetError::Kind::kOffline);
  EXPECT_EQ(sent.target_error->target_uuid, "blender-2");
  sent = a_->bus.send_to_chosen("demo", "blender", "", dispatch_record("j-5"), true, remember);
  EXPECT_EQ(sent.target, "blender-1");
  // Only the sends that went ahead were told their target; nothing else was tracked.
  EXPECT_EQ(chosen, (std::vector<std::string>{"blender-2", "blender-1"}));
  EXPECT_EQ(a_->bus.stats("demo")->pending_jobs, 2u);
}

TEST_F(RedisBusTest, AChosenSendTooLargeNamesItsTargetAndGoesNowhere) {
  bus::BusLimits small;
  small.max_record_bytes = 2048;
  Node c(redis_.url(), "node-c", small);
  ASSERT_TRUE(c.started);
  join(*a_, "blender-1", "blender", true, "s-a");
  auto request = dispatch_record("j-big");
  request.payload.as_object()["code"] = std::string(4096, 'x');
  bool told = false;
  const auto sent = c.bus.send_to_chosen("demo", "blender", "", request, true,
                                         [&](const std::string&) { told = true; });
  ASSERT_TRUE(sent.outcome.refused);
  EXPECT_EQ(sent.outcome.refused->error, "record_too_large");
  EXPECT_EQ(sent.target, "blender-1");
  EXPECT_FALSE(told);
  EXPECT_EQ(a_->bus.stats("demo")->pending_jobs, 0u);
}

TEST_F(RedisBusTest, AnOversizedSendWithRecipientsIsRefusedAndOneWithoutIsNot) {
  bus::BusLimits small;
  small.max_record_bytes = 2048;
  Node c(redis_.url(), "node-c", small);
  ASSERT_TRUE(c.started);
  const std::string big(4096, 'x');
  EXPECT_FALSE(c.bus.send("demo", broadcast({{"big", big}}), false).refused);
  join(*a_, "blender-1", "blender", true, "s-a");
  const auto refused = c.bus.send("demo", broadcast({{"big", big}}), false);
  ASSERT_TRUE(refused.refused);
  EXPECT_EQ(refused.refused->error, "record_too_large");
}

TEST_F(RedisBusTest, WithRedisDownCallsFailAtOnceWithBusUnavailableAndRecoverAfter) {
  join(*a_, "blender-1", "blender", true, "s-a");
  redis_.stop();
  const auto started = std::chrono::steady_clock::now();
  const auto outcome = a_->bus.send("demo", broadcast({{"n", 1}}), false);
  ASSERT_TRUE(outcome.refused);
  EXPECT_EQ(outcome.refused->error, "bus_unavailable");
  EXPECT_FALSE(a_->bus.list("demo"));
  EXPECT_LT(std::chrono::steady_clock::now() - started, 3s);
  ASSERT_TRUE(redis_.start());
  EXPECT_TRUE(
      eventually([&] { return !a_->bus.send("demo", broadcast({}), false).refused; }, 5000ms));
}

TEST_F(RedisBusTest, EveryNodeListsTheClustersNodesAndOneThatStopsReportingExpires) {
  join(*a_, "llm-1", "llm", false, "s-a");
  a_->presence.tick();  // fresh heartbeats (their expiry is 600 ms in these tests)
  b_->presence.tick();
  const auto listed = b_->presence.nodes();
  ASSERT_TRUE(listed) << listed.error();
  ASSERT_EQ(listed->size(), 2u);
  EXPECT_EQ((*listed)[0].node_id, "node-a");
  EXPECT_TRUE((*listed)[0].alive);
  EXPECT_EQ((*listed)[0].sessions, 1u);
  EXPECT_EQ((*listed)[1].node_id, "node-b");
  EXPECT_TRUE((*listed)[1].alive);
  a_.reset();  // its heartbeat stops
  ASSERT_TRUE(eventually(
      [&] {
        const auto now = b_->presence.nodes();
        return now && !now->empty() && (*now)[0].node_id == "node-a" && !(*now)[0].alive;
      },
      3000ms));
}

// The detail of `uuid` as `node` reads it from the store.
std::optional<bus::ClientDetail> detail_of(Node& node, const std::string& uuid) {
  const auto details = node.bus.client_details("demo");
  if (!details)
    return std::nullopt;
  for (const auto& detail : *details) {
    if (detail.uuid == uuid)
      return detail;
  }
  return std::nullopt;
}

TEST_F(RedisBusTest, EveryNodeReadsTheHeldCountAndTheReportsOfAClientFromTheStore) {
  auto endpoint = std::make_shared<FakeEndpoint>("s-old");
  bus::Registration registration{"blender-1", "blender", true, {}, {}};
  registration.blender_version = "4.2.3 LTS";
  registration.host = "studio-7";
  ASSERT_TRUE(a_->bus.register_client("demo", registration, endpoint));
  a_->bus.end_session("demo", "s-old");
  for (int i = 0; i < 4; ++i)
    ASSERT_FALSE(b_->bus.send("demo", broadcast({{"n", i}}, "llm-9"), false).refused);
  for (auto* node : {&*a_, &*b_}) {
    const auto detail = detail_of(*node, "blender-1");
    ASSERT_TRUE(detail);
    EXPECT_EQ(detail->held, 4u);
    EXPECT_EQ(detail->queued, 0u);
    EXPECT_EQ(detail->blender_version, "4.2.3 LTS");
    EXPECT_EQ(detail->host, "studio-7");
  }
  // The wire ClientInfo keeps the contract's keys.
  EXPECT_EQ(b_->bus.list("demo")->persistent.at(0).as_object().size(), 9u);

  // Back on node B, registered by a client that reports nothing: the hold went to its session.
  auto again = join(*b_, "blender-1", "blender", true, "s-new");
  ASSERT_TRUE(eventually([&] { return again->texts().size() == 4; }));
  const auto detail = detail_of(*a_, "blender-1");
  ASSERT_TRUE(detail);
  EXPECT_EQ(detail->held, 0u);
  EXPECT_EQ(detail->blender_version, std::nullopt);
  EXPECT_EQ(detail->host, std::nullopt);
}

TEST_F(RedisBusTest, TheQueueDepthOfASessionOnOneNodeReachesEveryNodeThroughTheStore) {
  auto endpoint = join(*a_, "blender-1", "blender", true, "s-a");
  endpoint->is_online = false;  // its stream closed: what node A takes waits there
  for (int i = 0; i < 3; ++i)
    ASSERT_FALSE(b_->bus.send("demo", broadcast({{"n", i}}, "llm-9"), false).refused);
  ASSERT_TRUE(eventually([&] { return endpoint->texts().size() == 3; }));
  a_->presence.tick();  // the heartbeat reports what waits in node A's sessions
  EXPECT_TRUE(eventually([&] {
    const auto detail = detail_of(*b_, "blender-1");
    return detail && detail->queued == 3u && detail->held == 0u;
  }));
  endpoint->is_online = true;  // the stream is back and took them
  a_->presence.tick();
  EXPECT_TRUE(eventually([&] {
    const auto detail = detail_of(*b_, "blender-1");
    return detail && detail->queued == 0u;
  }));
}

TEST_F(RedisBusTest, UsersAreIsolated) {
  join(*a_, "blender-1", "blender", true, "s-a");
  auto other = std::make_shared<FakeEndpoint>("s-bob");
  ASSERT_TRUE(b_->bus.register_client("bob", {"blender-1", "blender", true, {}, {}}, other));
  const auto outcome = a_->bus.send("demo", broadcast({{"n", 1}}), false);
  EXPECT_EQ(outcome.targets, std::vector<std::string>{"blender-1"});
  std::this_thread::sleep_for(100ms);
  EXPECT_TRUE(other->texts().empty());
  EXPECT_EQ(b_->bus.list("bob")->persistent.size(), 1u);
  b_->bus.drop_user("bob");
  EXPECT_TRUE(b_->bus.list("bob")->persistent.empty());
  EXPECT_EQ(a_->bus.list("demo")->persistent.size(), 1u);
}

}  // namespace
}  // namespace bmcp::cluster
