#include "signins/redis_console_sessions.hpp"

#include <gtest/gtest.h>

#include <thread>

#include "../redis/redis_server.hpp"
#include "console/memory_console_sessions.hpp"
#include "redis/redis_url.hpp"

namespace bmcp::signins {
namespace {

using namespace std::chrono_literals;
using console::ConsoleSession;
using console::ConsoleSessionLimits;
using console::ConsoleUser;

ConsoleUser user(const std::string& name) {
  return ConsoleUser{name, "uid-" + name, {"user"}, {"bus:read"}};
}

class RedisConsoleSessionsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(redis_.start()) << "redis-server is needed (scripts/setup --test-deps)";
    store_.emplace(*redis::parse_redis_url(redis_.url()),
                   redis::ClientOptions{1000ms, 50ms, 200ms});
    ASSERT_TRUE(store_->start());
  }
  // One node's sessions on the shared store.
  RedisConsoleSessions node(ConsoleSessionLimits limits = {}) {
    return RedisConsoleSessions(*store_, clock_, limits);
  }
  std::vector<std::string> keys() {
    std::vector<std::string> out;
    const auto reply = store_->command({"KEYS", "bmcp:console:*"}).value();
    for (const auto& key : reply.elements)
      out.push_back(key.text);
    return out;
  }

  FakeClock clock_;
  redis::testing::RedisServer redis_;
  std::optional<cluster::SharedStore> store_;
};

TEST_F(RedisConsoleSessionsTest, ASessionCreatedOnOneNodeIsUsedAndEndedOnAnother) {
  auto a = node();
  auto b = node();
  ConsoleUser admin{"root", "uid-root", {"user", "admin"}, {"bus:read", "users:admin"}};
  const auto created = a.create(admin, "10.0.0.7").value();
  EXPECT_EQ(created.id.size(), 64u);
  EXPECT_EQ(created.csrf_token.size(), 64u);
  clock_.advance(5s);
  const auto found = b.find(created.id).value();
  ASSERT_TRUE(found);
  EXPECT_EQ(found->id, created.id);
  EXPECT_EQ(found->csrf_token, created.csrf_token);
  EXPECT_EQ(found->user.username, "root");
  EXPECT_EQ(found->user.uid, "uid-root");
  EXPECT_EQ(found->user.roles, admin.roles);
  EXPECT_EQ(found->user.scopes, admin.scopes);
  EXPECT_TRUE(found->user.is_admin());
  EXPECT_EQ(found->client_address, "10.0.0.7");
  EXPECT_NEAR(found->created_at, created.created_at, 0.001);
  EXPECT_NEAR(found->last_seen, created.created_at + 5, 0.001);
  b.set_mcp_session(created.id, "mcp-1");  // without waiting: the next call comes after it
  EXPECT_EQ(a.find(created.id).value()->mcp_session_id, "mcp-1");
  EXPECT_TRUE(b.remove(created.id).value());
  EXPECT_FALSE(a.find(created.id).value());
  EXPECT_FALSE(a.contains(created.id).value());
  EXPECT_FALSE(a.remove(created.id).value());
  EXPECT_TRUE(keys().empty());
}

TEST_F(RedisConsoleSessionsTest, TheStoreKeepsNeitherTheSessionIdNorItInAnyKey) {
  auto a = node();
  const auto created = a.create(user("demo"), "").value();
  const auto all = keys();
  ASSERT_FALSE(all.empty());
  const auto dump = store_->command({"HGETALL", "bmcp:console:s:" + session_digest(created.id)});
  ASSERT_TRUE(dump);
  EXPECT_FALSE(dump->elements.empty());
  for (const auto& key : all) {
    EXPECT_EQ(key.find(created.id), std::string::npos) << key;
    const auto type = store_->command({"TYPE", key}).value().text;
    const auto values = type == "hash" ? store_->command({"HVALS", key})
                                       : store_->command({"ZRANGE", key, "0", "-1"});
    for (const auto& value : values.value().elements)
      EXPECT_NE(value.text, created.id) << key;
  }
  EXPECT_EQ(session_digest(created.id).size(), 64u);
  EXPECT_NE(session_digest(created.id), created.id);
}

TEST_F(RedisConsoleSessionsTest, TheKeyExpiresAfterTheIdleTimeAndFindRefreshesIt) {
  ConsoleSessionLimits limits;
  limits.idle = 60s;
  limits.absolute = 100s;
  auto a = node(limits);
  const auto created = a.create(user("demo"), "").value();
  const auto key = "bmcp:console:s:" + session_digest(created.id);
  const auto ttl = [&] { return store_->command({"PTTL", key}).value().integer; };
  EXPECT_GT(ttl(), 55'000);
  EXPECT_LE(ttl(), 60'000);
  store_->command({"PEXPIRE", key, "20000"}).value();
  ASSERT_TRUE(a.contains(created.id).value());  // only looks
  EXPECT_LE(ttl(), 20'000);
  ASSERT_TRUE(a.find(created.id).value());  // moves the deadline on
  EXPECT_GT(ttl(), 55'000);
  // Near the absolute end the key expires with it: 100 s after sign-in, not 60 s after use.
  clock_.advance(50s);
  ASSERT_TRUE(a.find(created.id).value());
  EXPECT_LE(ttl(), 50'000);
  EXPECT_GT(ttl(), 45'000);
  clock_.advance(45s);
  ASSERT_TRUE(a.find(created.id).value());
  EXPECT_LE(ttl(), 5'000);
  // Redis's own expiry signs out too (a node that never looks again).
  store_->command({"PEXPIRE", key, "1"}).value();
  std::this_thread::sleep_for(20ms);
  EXPECT_FALSE(a.find(created.id).value());
}

TEST_F(RedisConsoleSessionsTest, ListAndRemoveUserSeeEveryNodesSessions) {
  auto a = node();
  auto b = node();
  const auto first = a.create(user("demo"), "1.1.1.1").value();
  clock_.advance(1s);
  b.create(user("demo"), "2.2.2.2").value();
  clock_.advance(1s);
  const auto other = b.create(user("other"), "3.3.3.3").value();
  const auto listed = a.list().value();
  ASSERT_EQ(listed.size(), 3u);
  EXPECT_EQ(listed[0].client_address, "1.1.1.1");  // oldest first
  EXPECT_EQ(listed[2].user.username, "other");
  for (const auto& session : listed) {
    EXPECT_TRUE(session.id.empty());  // only digests are kept
    EXPECT_EQ(session.csrf_token.size(), 64u);
  }
  EXPECT_EQ(b.remove_user("demo").value(), 2u);
  EXPECT_FALSE(a.find(first.id).value());
  EXPECT_TRUE(a.find(other.id).value());
  EXPECT_EQ(a.list().value().size(), 1u);
  EXPECT_EQ(a.remove_user("demo").value(), 0u);
}

// The behaviour both implementations share, run against each.
class BothSessionTables : public RedisConsoleSessionsTest,
                          public ::testing::WithParamInterface<bool> {
 protected:
  std::unique_ptr<console::ConsoleSessions> table(ConsoleSessionLimits limits) {
    if (GetParam())
      return std::make_unique<RedisConsoleSessions>(*store_, clock_, limits);
    return std::make_unique<console::MemoryConsoleSessions>(clock_, limits);
  }
};

TEST_P(BothSessionTables, ASessionIdlesOutUnlessUsedAndEndsAtTheAbsoluteLifetime) {
  ConsoleSessionLimits limits;
  limits.idle = 60s;
  limits.absolute = 100s;
  auto sessions = table(limits);
  const auto idle = sessions->create(user("demo"), "").value();
  const auto busy = sessions->create(user("demo"), "").value();
  clock_.advance(50s);
  EXPECT_TRUE(sessions->contains(idle.id).value());
  ASSERT_TRUE(sessions->find(busy.id).value());
  clock_.advance(15s);
  EXPECT_FALSE(sessions->contains(idle.id).value());  // contains() did not refresh it
  EXPECT_FALSE(sessions->find(idle.id).value());
  ASSERT_TRUE(sessions->find(busy.id).value());
  clock_.advance(40s);  // 105 s after sign-in, used 40 s ago
  EXPECT_FALSE(sessions->find(busy.id).value());
  EXPECT_TRUE(sessions->list().value().empty());
}

TEST_P(BothSessionTables, TheOldestSessionsGoBeyondTheUserAndTotalBounds) {
  ConsoleSessionLimits limits;
  limits.max_per_user = 2;
  limits.max_sessions = 3;
  auto sessions = table(limits);
  std::vector<ConsoleSession> demo;
  for (int i = 0; i < 3; ++i) {
    demo.push_back(sessions->create(user("demo"), std::to_string(i)).value());
    clock_.advance(1s);
  }
  EXPECT_FALSE(sessions->find(demo[0].id).value());
  EXPECT_TRUE(sessions->find(demo[1].id).value());
  EXPECT_TRUE(sessions->find(demo[2].id).value());
  const auto other = sessions->create(user("other"), "").value();
  clock_.advance(1s);
  EXPECT_EQ(sessions->list().value().size(), 3u);
  const auto third = sessions->create(user("third"), "").value();  // over the total: demo[1] goes
  EXPECT_FALSE(sessions->find(demo[1].id).value());
  EXPECT_TRUE(sessions->find(demo[2].id).value());
  EXPECT_TRUE(sessions->find(other.id).value());
  EXPECT_TRUE(sessions->find(third.id).value());
  const auto listed = sessions->list().value();
  ASSERT_EQ(listed.size(), 3u);
  EXPECT_EQ(listed[0].client_address, "2");
}

TEST_P(BothSessionTables, UnknownIdsAreNotFound) {
  auto sessions = table({});
  EXPECT_FALSE(sessions->find("").value());
  EXPECT_FALSE(sessions->find(std::string(64, 'a')).value());
  EXPECT_FALSE(sessions->contains("x").value());
  EXPECT_FALSE(sessions->remove("x").value());
  sessions->set_mcp_session("x", "mcp");
  EXPECT_FALSE(sessions->find("x").value());
  EXPECT_EQ(sessions->remove_user("nobody").value(), 0u);
}

std::string table_name(const ::testing::TestParamInfo<bool>& table) {
  return table.param ? "Redis" : "Memory";
}

INSTANTIATE_TEST_SUITE_P(, BothSessionTables, ::testing::Values(false, true), table_name);

TEST_F(RedisConsoleSessionsTest, EveryCallFailsNamingTheStoreWhileRedisIsDownAndWorksAfter) {
  auto a = node();
  const auto created = a.create(user("demo"), "").value();
  redis_.stop();
  const auto named = [](const std::string& error) {
    return error.find("shared store") != std::string::npos;
  };
  const auto found = a.find(created.id);
  ASSERT_FALSE(found);
  EXPECT_TRUE(named(found.error())) << found.error();
  const auto made = a.create(user("demo"), "");
  ASSERT_FALSE(made);
  EXPECT_TRUE(named(made.error())) << made.error();
  EXPECT_FALSE(a.contains(created.id));
  EXPECT_FALSE(a.remove(created.id));
  EXPECT_FALSE(a.remove_user("demo"));
  a.set_mcp_session(created.id, "m");  // logged, never waited for
  EXPECT_FALSE(a.list());
  ASSERT_TRUE(redis_.start());  // empty again (no persistence): the library is loaded anew
  Result<ConsoleSession, std::string> again = Unexpected{std::string("not tried")};
  for (int i = 0; i < 100 && !again; ++i) {
    std::this_thread::sleep_for(50ms);
    again = a.create(user("demo"), "");
  }
  ASSERT_TRUE(again) << again.error();
  EXPECT_TRUE(a.find(again->id).value());
}

}  // namespace
}  // namespace bmcp::signins
