#include "console/console_feed.hpp"

#include <gtest/gtest.h>

#include "../bus/fake_endpoint.hpp"
#include "bus/bus_hub.hpp"
#include "console/observed_bus.hpp"
#include "console/observed_job_store.hpp"
#include "jobs/memory_job_store.hpp"

namespace bmcp::console {
namespace {

class ConsoleFeedTest : public ::testing::Test {
 protected:
  std::uint64_t subscribe(const std::string& user) {
    return feed_.subscribe(user, [this](std::shared_ptr<const std::string> frame) {
      frames_.push_back(*frame);
      return open_;
    });
  }
  std::string all_frames() const {
    std::string out;
    for (const auto& frame : frames_)
      out += frame;
    return out;
  }
  bus::Registration blender(const std::string& uuid) {
    bus::Registration registration;
    registration.uuid = uuid;
    registration.client_type = "blender";
    registration.is_persistent = true;
    return registration;
  }

  FakeClock clock_;
  bus::BusHub hub_{clock_, bus::BusLimits{}};
  ConsoleFeed feed_{hub_, clock_};
  ObservedBus bus_{hub_, feed_};
  jobs::MemoryJobStore store_{clock_, {}};
  ObservedJobStore jobs_{store_, feed_};
  std::vector<std::string> frames_;
  bool open_ = true;
};

TEST_F(ConsoleFeedTest, ASubscriberGetsTheSnapshotThenItsUsersChanges) {
  subscribe("demo");
  ASSERT_EQ(frames_.size(), 1u);
  EXPECT_NE(frames_[0].find("event: clients\ndata: {\"persistent\":[]"), std::string::npos);
  EXPECT_NE(frames_[0].find("event: jobs\n"), std::string::npos);
  auto endpoint = std::make_shared<bus::testing::FakeEndpoint>("s1");
  ASSERT_TRUE(bus_.register_client("demo", blender("blender-1"), endpoint));
  ASSERT_EQ(frames_.size(), 2u);
  EXPECT_NE(frames_[1].find("\"uuid\":\"blender-1\""), std::string::npos);
  // Another user's bus is not this subscriber's business.
  ASSERT_TRUE(bus_.register_client("other", blender("blender-2"),
                                   std::make_shared<bus::testing::FakeEndpoint>("s2")));
  EXPECT_EQ(frames_.size(), 2u);
}

TEST_F(ConsoleFeedTest, SendsAppearInTheTailWithThePayloadAsText) {
  subscribe("demo");
  bus::SendRequest request;
  request.route = bus::Route::broadcast();
  request.payload = json::object{{"text", "<script>alert(1)</script>"}};
  request.origin = "server:demo";
  bus_.send("demo", request, false);
  const auto text = all_frames();
  EXPECT_NE(text.find("event: record\n"), std::string::npos);
  EXPECT_NE(text.find("<script>alert(1)</script>"), std::string::npos);  // JSON text, not HTML
  EXPECT_NE(text.find("\"from\":\"server:demo\""), std::string::npos);
}

TEST_F(ConsoleFeedTest, JobChangesAreSentAsTheyHappen) {
  subscribe("demo");
  jobs::JobRecord record;
  record.job_id = "j1";
  record.command = "execute_code";
  jobs_.start("demo", record);
  bus::JobEvent running{"demo", {"j1", "running", "", "", 0.5, std::nullopt}, false, true};
  jobs_.apply(running);
  bus::JobEvent done{"demo", {"j1", "completed", "ok", "", 1.0, std::nullopt}, true, true};
  jobs_.apply(done);
  const auto text = all_frames();
  EXPECT_NE(text.find("\"status\":\"running\""), std::string::npos);
  EXPECT_NE(text.find("\"status\":\"completed\""), std::string::npos);
  // The store got the same calls.
  EXPECT_EQ(store_.find("demo", "j1").value()->state, jobs::JobState::kCompleted);
}

TEST_F(ConsoleFeedTest, ASinkThatRefusesIsUnsubscribed) {
  subscribe("demo");
  open_ = false;
  ASSERT_TRUE(bus_.register_client("demo", blender("blender-1"),
                                   std::make_shared<bus::testing::FakeEndpoint>("s1")));
  EXPECT_EQ(feed_.subscribers(), 0u);
}

TEST_F(ConsoleFeedTest, ADroppedUsersPagesEndAndItsHistoryIsForgotten) {
  bus::SendRequest request;
  request.route = bus::Route::broadcast();
  request.payload = json::object{{"old", "account"}};
  request.origin = "server:demo";
  bus_.send("demo", request, false);
  bool demo_ended = false;
  bool other_ended = false;
  feed_.subscribe("demo", [&demo_ended](std::shared_ptr<const std::string> frame) {
    demo_ended = demo_ended || !frame;
    return true;
  });
  feed_.subscribe("other", [&other_ended](std::shared_ptr<const std::string> frame) {
    other_ended = other_ended || !frame;
    return true;
  });
  bus_.drop_user("demo");
  EXPECT_TRUE(demo_ended);
  EXPECT_FALSE(other_ended);  // another user's page goes on
  EXPECT_EQ(feed_.subscribers(), 1u);
  subscribe("demo");  // the name's new account starts with an empty tail
  ASSERT_FALSE(frames_.empty());
  EXPECT_EQ(frames_.back().find("\"old\""), std::string::npos);
  EXPECT_NE(frames_.back().find("event: tail\ndata: {\"records\":[]}"), std::string::npos);
}

TEST_F(ConsoleFeedTest, RefreshSendsOnlyClientListsThatChanged) {
  auto endpoint = std::make_shared<bus::testing::FakeEndpoint>("s1");
  ASSERT_TRUE(bus_.register_client("demo", blender("blender-1"), endpoint));
  subscribe("demo");
  const auto before = frames_.size();
  feed_.refresh_clients();
  feed_.refresh_clients();
  EXPECT_EQ(frames_.size(), before);  // the snapshot had this list already
  const auto settled = frames_.size();
  endpoint->is_online = false;
  clock_.advance(std::chrono::hours(1));
  feed_.refresh_clients();
  EXPECT_EQ(frames_.size(), settled + 1);
  EXPECT_NE(frames_.back().find("\"online\":false"), std::string::npos);
}

// The one client of the user's latest clients event, parsed.
json::object last_client(const std::vector<std::string>& frames) {
  for (auto it = frames.rbegin(); it != frames.rend(); ++it) {
    const auto at = it->rfind("event: clients\ndata: ");
    if (at == std::string::npos)
      continue;
    const auto start = at + std::string_view("event: clients\ndata: ").size();
    const auto data = parse_json(it->substr(start, it->find('\n', start) - start));
    const auto& lists = data->as_object();
    for (const char* kind : {"persistent", "ephemeral"}) {
      if (!lists.at(kind).as_array().empty())
        return lists.at(kind).at(0).as_object();
    }
  }
  return {};
}

TEST_F(ConsoleFeedTest, ClientsCarryTheirQueueDepthHeldCountAndReportsAndARefreshSendsChanges) {
  auto registration = blender("blender-1");
  registration.blender_version = "5.0.1";
  registration.host = "<b>studio</b>";
  ASSERT_TRUE(bus_.register_client("demo", registration,
                                   std::make_shared<bus::testing::FakeEndpoint>("s1")));
  subscribe("demo");
  auto client = last_client(frames_);
  EXPECT_EQ(client.at("queued"), 0);
  EXPECT_FALSE(client.contains("held"));  // online
  EXPECT_EQ(client.at("blender_version"), "5.0.1");
  EXPECT_EQ(client.at("host"), "<b>studio</b>");
  EXPECT_FALSE(client.contains("last_seen"));

  bus_.end_session("demo", "s1");  // offline: what is sent now is held for it
  bus::SendRequest request;
  request.route = bus::Route::direct("blender-1");
  request.payload = {{"n", 1}};
  request.origin = "llm";
  bus_.send("demo", request, false);
  bus_.send("demo", request, false);
  feed_.refresh_clients();
  client = last_client(frames_);
  EXPECT_EQ(client.at("online"), false);
  EXPECT_EQ(client.at("held"), 2);
  EXPECT_EQ(client.at("queued"), 0);
}

TEST_F(ConsoleFeedTest, EndPagesEndsThePagesOfTheTagsItNames) {
  bool a_ended = false;
  bool b_ended = false;
  feed_.subscribe(
      "demo",
      [&a_ended](std::shared_ptr<const std::string> frame) {
        a_ended = a_ended || !frame;
        return true;
      },
      "session-a");
  feed_.subscribe(
      "demo",
      [&b_ended](std::shared_ptr<const std::string> frame) {
        b_ended = b_ended || !frame;
        return true;
      },
      "session-b");
  EXPECT_EQ(feed_.pages().size(), 2u);
  feed_.end_pages([](const std::string& tag) { return tag == "session-a"; });
  EXPECT_TRUE(a_ended);
  EXPECT_FALSE(b_ended);
  ASSERT_EQ(feed_.pages().size(), 1u);
  EXPECT_EQ(feed_.pages().begin()->second, "session-b");
}

TEST(ConsoleFeedPages, EachUserHasABoundedNumberOfOpenPages) {
  FakeClock clock;
  bus::BusHub hub(clock, bus::BusLimits{});
  FeedLimits limits;
  limits.pages_per_user = 2;
  ConsoleFeed feed(hub, clock, limits);
  int calls = 0;
  const auto sink = [&calls](std::shared_ptr<const std::string>) { return ++calls > 0; };
  const auto first = feed.subscribe("demo", sink);
  EXPECT_NE(first, 0u);
  EXPECT_NE(feed.subscribe("demo", sink), 0u);
  EXPECT_FALSE(feed.has_room("demo"));
  EXPECT_EQ(feed.subscribe("demo", sink), 0u);
  EXPECT_EQ(calls, 2);  // the refused page got nothing
  EXPECT_TRUE(feed.has_room("other"));
  feed.unsubscribe(first);
  EXPECT_TRUE(feed.has_room("demo"));
}

TEST(ConsoleSseFrame, IsOneEventWithCompactJson) {
  EXPECT_EQ(sse_frame("job", json::object{{"a", 1}}), "event: job\ndata: {\"a\":1}\n\n");
}

}  // namespace
}  // namespace bmcp::console
