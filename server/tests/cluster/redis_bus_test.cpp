#include "cluster/redis_bus.hpp"

#include <gtest/gtest.h>

#include <chrono>
#include <thread>

#include "../bus/fake_endpoint.hpp"
#include "../redis/redis_server.hpp"
#include "cluster/node_presence.hpp"
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

// Waits until `done` holds (records arrive asynchronously through the feed).
template <class Condition>
bool eventually(Condition done, std::chrono::milliseconds limit = 3000ms) {
  const auto deadline = std::chrono::steady_clock::now() + limit;
  while (std::chrono::steady_clock::now() < deadline) {
    if (done())
      return true;
    std::this_thread::sleep_for(5ms);
  }
  return done();
}

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
