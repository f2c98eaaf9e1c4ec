#include "mcp/session_table.hpp"

#include <gtest/gtest.h>

#include <map>
#include <regex>
#include <set>

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
  auto session = table_.create("demo", "uid-1", "2025-11-25");
  ASSERT_TRUE(session.ok());
  EXPECT_TRUE(std::regex_match((*session)->id(), std::regex("^[0-9a-f]{32}$")));
}

TEST_F(SessionTableTest, AnotherUsersSessionLooksUnknown) {
  auto session = table_.create("demo", "uid-1", "2025-11-25");
  EXPECT_NE(table_.find((*session)->id(), "demo"), nullptr);
  EXPECT_EQ(table_.find((*session)->id(), "bob"), nullptr);
  EXPECT_FALSE(table_.end((*session)->id(), "bob", SessionEndReason::kDeleted));
  EXPECT_NE(table_.find((*session)->id(), "demo"), nullptr);
}

TEST_F(SessionTableTest, SessionsPerUserAreCapped) {
  ASSERT_TRUE(table_.create("demo", "uid-1", "v").ok());
  ASSERT_TRUE(table_.create("demo", "uid-1", "v").ok());
  auto third = table_.create("demo", "uid-1", "v");
  ASSERT_FALSE(third.ok());
  EXPECT_EQ(third.error().code, ErrorCode::kResourceExhausted);
  EXPECT_TRUE(table_.create("bob", "uid-2", "v").ok());
}

TEST_F(SessionTableTest, EndingASessionFreesItsSlotAndTellsListeners) {
  std::vector<SessionEndReason> reasons;
  table_.add_end_listener([&](Session&, SessionEndReason reason) { reasons.push_back(reason); });
  auto session = table_.create("demo", "uid-1", "v");
  EXPECT_TRUE(table_.end((*session)->id(), "demo", SessionEndReason::kDeleted));
  EXPECT_EQ(table_.find((*session)->id(), "demo"), nullptr);
  EXPECT_TRUE((*session)->ended());
  EXPECT_EQ(reasons, std::vector<SessionEndReason>{SessionEndReason::kDeleted});
  EXPECT_EQ(table_.count_for("demo"), 0u);
}

TEST_F(SessionTableTest, IdleSessionsExpireButActiveOnesStay) {
  auto idle = table_.create("demo", "uid-1", "v");
  auto busy = table_.create("demo", "uid-1", "v");
  clock_.advance(std::chrono::seconds(200));
  (*busy)->touch();
  clock_.advance(std::chrono::seconds(150));
  EXPECT_EQ(table_.end_idle(), 1u);
  EXPECT_EQ(table_.find((*idle)->id(), "demo"), nullptr);
  EXPECT_NE(table_.find((*busy)->id(), "demo"), nullptr);
}

TEST_F(SessionTableTest, RemovedUsersLoseTheirSessions) {
  auto session = table_.create("gone", "uid-3", "v");
  auto kept = table_.create("demo", "uid-1", "v");
  EXPECT_EQ(table_.end_users_if([](const std::string& user, const std::set<std::string>&) {
    return user == "gone";
  }),
            1u);
  EXPECT_TRUE((*session)->ended());
  EXPECT_FALSE((*kept)->ended());
}

TEST_F(SessionTableTest, TheGoneCheckSeesTheAccountsEachUsersSessionsWereCreatedFor) {
  auto old_account = table_.create("demo", "uid-old", "v");
  auto new_account = table_.create("demo", "uid-new", "v");
  auto other_user = table_.create("bob", "uid-bob", "v");
  std::map<std::string, std::set<std::string>> seen;
  const auto ended =
      table_.end_users_if([&seen](const std::string& user, const std::set<std::string>& accounts) {
        seen[user] = accounts;
        return accounts.contains("uid-old");  // demo's name now belongs to another account
      });
  EXPECT_EQ(seen, (std::map<std::string, std::set<std::string>>{{"bob", {"uid-bob"}},
                                                                {"demo", {"uid-new", "uid-old"}}}));
  EXPECT_EQ(ended, 2u);
  EXPECT_TRUE((*old_account)->ended());
  EXPECT_TRUE((*new_account)->ended());
  EXPECT_FALSE((*other_user)->ended());
  EXPECT_EQ(table_.count_for("demo"), 0u);
  EXPECT_TRUE(table_.create("demo", "uid-new", "v").ok());
}

}  // namespace
}  // namespace bmcp::mcp
