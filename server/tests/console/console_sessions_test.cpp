#include "console/console_sessions.hpp"

#include <gtest/gtest.h>

namespace bmcp::console {
namespace {

ConsoleUser user(const std::string& name) {
  return ConsoleUser{name, "uid-" + name, {"user"}, {}};
}

TEST(ConsoleSessions, ASessionIsFoundByItsIdUntilItIdlesOut) {
  FakeClock clock;
  ConsoleSessionLimits limits;
  limits.idle = std::chrono::seconds(60);
  ConsoleSessions sessions(clock, limits);
  const auto created = sessions.create(user("demo"), "127.0.0.1");
  EXPECT_EQ(created.id.size(), 64u);
  EXPECT_EQ(created.csrf_token.size(), 64u);
  EXPECT_NE(created.id, created.csrf_token);
  clock.advance(std::chrono::seconds(50));
  ASSERT_TRUE(sessions.find(created.id));  // moves the idle deadline on
  clock.advance(std::chrono::seconds(50));
  ASSERT_TRUE(sessions.find(created.id));
  clock.advance(std::chrono::seconds(61));
  EXPECT_FALSE(sessions.find(created.id));
}

TEST(ConsoleSessions, TheAbsoluteLifetimeEndsEvenAnActiveSession) {
  FakeClock clock;
  ConsoleSessionLimits limits;
  limits.idle = std::chrono::seconds(60);
  limits.absolute = std::chrono::seconds(100);
  ConsoleSessions sessions(clock, limits);
  const auto created = sessions.create(user("demo"), "");
  for (int i = 0; i < 3; ++i) {
    clock.advance(std::chrono::seconds(40));
    sessions.find(created.id);
  }
  EXPECT_FALSE(sessions.find(created.id));
}

TEST(ConsoleSessions, RemoveAndRemoveUserSignOut) {
  FakeClock clock;
  ConsoleSessions sessions(clock, {});
  const auto a = sessions.create(user("a"), "");
  const auto b1 = sessions.create(user("b"), "");
  const auto b2 = sessions.create(user("b"), "");
  EXPECT_TRUE(sessions.remove(a.id));
  EXPECT_FALSE(sessions.remove(a.id));
  EXPECT_EQ(sessions.remove_user("b"), 2u);
  EXPECT_FALSE(sessions.find(b1.id));
  EXPECT_FALSE(sessions.find(b2.id));
  EXPECT_TRUE(sessions.list().empty());
}

TEST(ConsoleSessions, TheUsersOldestSessionGoesBeyondTheBound) {
  FakeClock clock;
  ConsoleSessionLimits limits;
  limits.max_per_user = 2;
  ConsoleSessions sessions(clock, limits);
  const auto first = sessions.create(user("demo"), "");
  clock.advance(std::chrono::seconds(1));
  const auto second = sessions.create(user("demo"), "");
  clock.advance(std::chrono::seconds(1));
  const auto third = sessions.create(user("demo"), "");
  EXPECT_FALSE(sessions.find(first.id));
  EXPECT_TRUE(sessions.find(second.id));
  EXPECT_TRUE(sessions.find(third.id));
}

TEST(ConsoleSessions, AdminIsTheRoleAdmin) {
  EXPECT_FALSE(user("demo").is_admin());
  EXPECT_TRUE((ConsoleUser{"root", "u", {"user", "admin"}, {}}).is_admin());
}

}  // namespace
}  // namespace bmcp::console
