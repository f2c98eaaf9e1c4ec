#include "console/memory_console_sessions.hpp"

#include <gtest/gtest.h>

namespace bmcp::console {
namespace {

ConsoleUser user(const std::string& name) {
  return ConsoleUser{name, "uid-" + name, {"user"}, {}};
}

TEST(MemoryConsoleSessions, ASessionIsFoundByItsIdUntilItIdlesOut) {
  FakeClock clock;
  ConsoleSessionLimits limits;
  limits.idle = std::chrono::seconds(60);
  MemoryConsoleSessions sessions(clock, limits);
  const auto created = sessions.create(user("demo"), "127.0.0.1").value();
  EXPECT_EQ(created.id.size(), 64u);
  EXPECT_EQ(created.csrf_token.size(), 64u);
  EXPECT_NE(created.id, created.csrf_token);
  clock.advance(std::chrono::seconds(50));
  ASSERT_TRUE(sessions.find(created.id).value());  // moves the idle deadline on
  clock.advance(std::chrono::seconds(50));
  ASSERT_TRUE(sessions.find(created.id).value());
  clock.advance(std::chrono::seconds(61));
  EXPECT_FALSE(sessions.find(created.id).value());
}

TEST(MemoryConsoleSessions, TheAbsoluteLifetimeEndsEvenAnActiveSession) {
  FakeClock clock;
  ConsoleSessionLimits limits;
  limits.idle = std::chrono::seconds(60);
  limits.absolute = std::chrono::seconds(100);
  MemoryConsoleSessions sessions(clock, limits);
  const auto created = sessions.create(user("demo"), "").value();
  for (int i = 0; i < 3; ++i) {
    clock.advance(std::chrono::seconds(40));
    ASSERT_TRUE(sessions.find(created.id));
  }
  EXPECT_FALSE(sessions.find(created.id).value());
}

TEST(MemoryConsoleSessions, RemoveAndRemoveUserSignOut) {
  FakeClock clock;
  MemoryConsoleSessions sessions(clock, {});
  const auto a = sessions.create(user("a"), "").value();
  const auto b1 = sessions.create(user("b"), "").value();
  const auto b2 = sessions.create(user("b"), "").value();
  EXPECT_TRUE(sessions.remove(a.id).value());
  EXPECT_FALSE(sessions.remove(a.id).value());
  EXPECT_EQ(sessions.remove_user("b").value(), 2u);
  EXPECT_FALSE(sessions.find(b1.id).value());
  EXPECT_FALSE(sessions.find(b2.id).value());
  EXPECT_TRUE(sessions.list().value().empty());
}

TEST(MemoryConsoleSessions, TheUsersOldestSessionGoesBeyondTheBound) {
  FakeClock clock;
  ConsoleSessionLimits limits;
  limits.max_per_user = 2;
  MemoryConsoleSessions sessions(clock, limits);
  const auto first = sessions.create(user("demo"), "").value();
  clock.advance(std::chrono::seconds(1));
  const auto second = sessions.create(user("demo"), "").value();
  clock.advance(std::chrono::seconds(1));
  const auto third = sessions.create(user("demo"), "").value();
  EXPECT_FALSE(sessions.find(first.id).value());
  EXPECT_TRUE(sessions.find(second.id).value());
  EXPECT_TRUE(sessions.find(third.id).value());
}

}  // namespace
}  // namespace bmcp::console
