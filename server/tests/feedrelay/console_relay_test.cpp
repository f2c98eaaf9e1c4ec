#include "feedrelay/console_relay.hpp"

#include <gtest/gtest.h>
#include <spdlog/spdlog.h>

#include <chrono>
#include <mutex>
#include <optional>
#include <thread>

#include "../redis/eventually.hpp"
#include "../redis/redis_server.hpp"
#include "bus/bus_hub.hpp"
#include "redis/redis_url.hpp"

namespace bmcp::feedrelay {
namespace {

using namespace std::chrono_literals;

using redis::testing::eventually;

std::size_t occurrences(const std::string& text, const std::string& part) {
  std::size_t count = 0;
  for (auto at = text.find(part); at != std::string::npos; at = text.find(part, at + 1))
    ++count;
  return count;
}

// One node's console over a real shared store: its feed, with one open page of `demo`, and
// its relay. The bus (a BusHub) only answers the feed's client listings.
struct Node {
  Node(const std::string& url, const std::string& id)
      : store(*redis::parse_redis_url(url), redis::ClientOptions{2000ms, 50ms, 200ms}) {
    auto opened = store.start();
    started = opened.ok();
    relay.emplace(feed, store, id);
    feed.subscribe("demo", [this](std::shared_ptr<const std::string> frame) {
      std::lock_guard lock(mutex);
      page += *frame;
      return true;
    });
  }
  ~Node() {
    relay.reset();
    store.stop();
  }
  std::string seen() {
    std::lock_guard lock(mutex);
    return page;
  }

  SystemClock clock;
  bus::BusHub hub{clock, bus::BusLimits{}};
  console::ConsoleFeed feed{hub, clock};
  cluster::SharedStore store;
  std::optional<ConsoleRelay> relay;
  bool started = false;
  std::mutex mutex;
  std::string page;
};

class ConsoleRelayTest : public ::testing::Test {
 protected:
  void SetUp() override {
    // spdlog's registry is created on first use; creating it here, before the relays' threads
    // exist, is what the server's main() does too (ThreadSanitizer cannot see the guard of the
    // uninstrumented library's lazy creation when two threads log first at once).
    (void)spdlog::default_logger();
    ASSERT_TRUE(redis_.start()) << "redis-server is needed (scripts/setup --test-deps)";
    a_.emplace(redis_.url(), "node-a");
    b_.emplace(redis_.url(), "node-b");
    ASSERT_TRUE(a_->started && b_->started);
    // Both subscriptions are in place before anything is published.
    ASSERT_TRUE(eventually([this] {
      auto reply = a_->store.command({"PUBSUB", "NUMSUB", std::string(ConsoleRelay::kChannel)});
      return reply && reply->elements.size() == 2 && reply->elements[1].integer == 2;
    }));
  }

  redis::testing::RedisServer redis_;
  std::optional<Node> a_;
  std::optional<Node> b_;
};

TEST_F(ConsoleRelayTest, ASendOnOneNodeIsInEveryNodesTailOnce) {
  bus::SendRequest request;
  request.route = bus::Route::broadcast();
  request.payload = json::object{{"text", "relayed-hello"}};
  request.origin = "llm-1";
  bus::SendOutcome outcome;
  outcome.targets = {"blender-1"};
  a_->relay->on_send("demo", request, outcome);
  ASSERT_TRUE(eventually([this] { return b_->seen().find("relayed-hello") != std::string::npos; }));
  // A later event from b, heard by a, shows that a has heard everything published before it.
  b_->relay->on_job_forgotten("demo", "no-such-job");
  ASSERT_TRUE(eventually([this] { return a_->relay->counts().shown == 1; }));
  EXPECT_EQ(occurrences(a_->seen(), "event: record"), 1u);
  EXPECT_EQ(occurrences(b_->seen(), "event: record"), 1u);
  EXPECT_EQ(a_->relay->counts().published, 1u);
  EXPECT_EQ(b_->relay->counts().shown, 1u);
}

TEST_F(ConsoleRelayTest, AJobStartedOnOneNodeIsListedOnTheOtherAndItsTimeOutToo) {
  jobs::JobRecord record;
  record.job_id = "j-relay";
  record.command = "get_scene_info";
  record.target_uuids = {"blender-1"};
  record.created_at = 5;
  a_->relay->on_job_started("demo", record, false);
  a_->relay->on_job_timed_out("demo", "j-relay");
  ASSERT_TRUE(eventually([this] { return b_->seen().find("timed_out") != std::string::npos; }));
  const auto seen = b_->seen();
  EXPECT_NE(seen.find(R"("command":"get_scene_info")"), std::string::npos) << seen;
  EXPECT_EQ(occurrences(seen, "event: job\n"), 2u) << seen;
  // Every node hears job updates by itself (bmcp:jobs): once b knows the job, it shows them.
  bus::JobEvent late;
  late.user_id = "demo";
  late.update.job_id = "j-relay";
  late.update.status = "completed";
  late.update.result = "{}";
  late.terminal = true;
  b_->relay->on_job_event(late);
  EXPECT_NE(b_->seen().find(R"("late":true)"), std::string::npos) << b_->seen();
  EXPECT_EQ(occurrences(a_->seen(), "event: job\n"), 2u);
}

TEST_F(ConsoleRelayTest, ABurstOfEventsTravelsInFewMessagesInOrderEachShownOnce) {
  for (int i = 0; i < 50; ++i) {
    bus::SendRequest request;
    request.route = bus::Route::broadcast();
    request.payload = json::object{{"text", "burst-" + std::to_string(i) + "-end"}};
    request.origin = "llm-1";
    a_->relay->on_send("demo", request, bus::SendOutcome{});
  }
  ASSERT_TRUE(eventually([this] { return b_->relay->counts().shown == 50; }));
  const auto counts = a_->relay->counts();
  EXPECT_EQ(counts.published, 50u);
  EXPECT_LT(counts.batches, 10u);  // 50 events in a few 10 ms windows, not 50 messages
  const auto page = b_->seen();
  std::size_t last = 0;
  for (int i = 0; i < 50; ++i) {
    const auto at = page.find("burst-" + std::to_string(i) + "-end");
    ASSERT_NE(at, std::string::npos) << i;
    EXPECT_GT(at, last) << "event " << i << " out of order";
    last = at;
    EXPECT_EQ(occurrences(page, "burst-" + std::to_string(i) + "-end"), 1u);
  }
  // A message with a bad line among good ones: the good ones are shown, the bad one counted.
  ASSERT_TRUE(a_->store.command({"PUBLISH", std::string(ConsoleRelay::kChannel), "not json"}));
  ASSERT_TRUE(eventually([this] { return b_->relay->counts().ignored == 1; }));
}

TEST_F(ConsoleRelayTest, StoppingPublishesWhatWaits) {
  a_.emplace(redis_.url(), "node-a2");
  ASSERT_TRUE(eventually([this] {
    auto reply = b_->store.command({"PUBSUB", "NUMSUB", std::string(ConsoleRelay::kChannel)});
    return reply && reply->elements.size() == 2 && reply->elements[1].integer == 2;
  }));
  a_->relay->on_job_forgotten("demo", "job-1");
  a_->relay->stop();  // inside the batch window: the event still goes out
  EXPECT_TRUE(eventually([this] { return b_->relay->counts().shown == 1; }));
}

TEST_F(ConsoleRelayTest, TextThatIsNoEventIsIgnoredAndCounted) {
  const std::vector<std::string> bad_texts{
      "not json", R"({"v":1,"node":"x","user":"demo","kind":"?"})", "bmcp:console"};
  for (const auto& bad : bad_texts)
    ASSERT_TRUE(a_->store.command({"PUBLISH", std::string(ConsoleRelay::kChannel), bad}));
  ASSERT_TRUE(eventually(
      [this] { return a_->relay->counts().ignored == 3 && b_->relay->counts().ignored == 3; }));
  EXPECT_EQ(a_->relay->counts().shown, 0u);
  EXPECT_EQ(occurrences(b_->seen(), "event: "), 4u);  // the snapshot only
  // The relay still works after them.
  a_->relay->on_job_forgotten("demo", "no-such-job");
  EXPECT_TRUE(eventually([this] { return b_->relay->counts().shown == 1; }));
}

TEST_F(ConsoleRelayTest, AStoppedRelayHandsNothingMoreToItsFeed) {
  b_->relay->stop();
  a_->relay->on_job_forgotten("demo", "no-such-job");
  std::this_thread::sleep_for(200ms);
  EXPECT_EQ(b_->relay->counts().shown, 0u);
}

}  // namespace
}  // namespace bmcp::feedrelay
