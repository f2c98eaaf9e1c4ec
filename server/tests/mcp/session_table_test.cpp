#include "mcp/session_table.hpp"

#include <gtest/gtest.h>

#include <regex>

namespace bmcp::mcp {
namespace {

class SessionTableTest : public ::testing::Test {
 protected:
  FakeClock clock_;
  SessionTable table_{clock_, SessionLimits{.max_sessions_per_user = 2,
                                            .idle_timeout = std::chrono::seconds(300),
                                            .stream = {}}};
};

TEST_F(SessionTableTest, SessionIdsAre32LowercaseHexCharacters) {
  auto session = table_.create("demo", "2025-11-25");
  ASSERT_TRUE(session.ok());
  EXPECT_TRUE(std::regex_match((*session)->id(), std::regex("^[0-9a-f]{32}$")));
}

TEST_F(SessionTableTest, AnotherUsersSessionLooksUnknown) {
  auto session = table_.create("demo", "2025-11-25");
  EXPECT_NE(table_.find((*session)->id(), "demo"), nullptr);
  EXPECT_EQ(table_.find((*session)->id(), "bob"), nullptr);
  EXPECT_FALSE(table_.end((*session)->id(), "bob", SessionEndReason::kDeleted));
  EXPECT_NE(table_.find((*session)->id(), "demo"), nullptr);
}

TEST_F(SessionTableTest, SessionsPerUserAreCapped) {
  ASSERT_TRUE(table_.create("demo", "v").ok());
  ASSERT_TRUE(table_.create("demo", "v").ok());
  auto third = table_.create("demo", "v");
  ASSERT_FALSE(third.ok());
  EXPECT_EQ(third.error().code, ErrorCode::kResourceExhausted);
  EXPECT_TRUE(table_.create("bob", "v").ok());
}

TEST_F(SessionTableTest, EndingASessionFreesItsSlotAndTellsListeners) {
  std::vector<SessionEndReason> reasons;
  table_.add_end_listener([&](Session&, SessionEndReason reason) { reasons.push_back(reason); });
  auto session = table_.create("demo", "v");
  EXPECT_TRUE(table_.end((*session)->id(), "demo", SessionEndReason::kDeleted));
  EXPECT_EQ(table_.find((*session)->id(), "demo"), nullptr);
  EXPECT_TRUE((*session)->ended());
  EXPECT_EQ(reasons, std::vector<SessionEndReason>{SessionEndReason::kDeleted});
  EXPECT_EQ(table_.count_for("demo"), 0u);
}

TEST_F(SessionTableTest, IdleSessionsExpireButActiveOnesStay) {
  auto idle = table_.create("demo", "v");
  auto busy = table_.create("demo", "v");
  clock_.advance(std::chrono::seconds(200));
  (*busy)->touch();
  clock_.advance(std::chrono::seconds(150));
  EXPECT_EQ(table_.end_idle(), 1u);
  EXPECT_EQ(table_.find((*idle)->id(), "demo"), nullptr);
  EXPECT_NE(table_.find((*busy)->id(), "demo"), nullptr);
}

TEST_F(SessionTableTest, RemovedUsersLoseTheirSessions) {
  auto session = table_.create("gone", "v");
  auto kept = table_.create("demo", "v");
  EXPECT_EQ(table_.end_users_if([](const std::string& user) { return user == "gone"; }), 1u);
  EXPECT_TRUE((*session)->ended());
  EXPECT_FALSE((*kept)->ended());
}

}  // namespace
}  // namespace bmcp::mcp
