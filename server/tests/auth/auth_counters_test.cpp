#include "auth/auth_counters.hpp"

#include <gtest/gtest.h>

#include <set>
#include <string>

namespace bmcp::auth {
namespace {

TEST(AuthCounters, CountEachActionAndOutcomeApart) {
  AuthCounters counters;
  counters.count(AuthAction::kLogin, AuthOutcome::kInvalidCredentials);
  counters.count(AuthAction::kLogin, AuthOutcome::kInvalidCredentials);
  counters.count(AuthAction::kAccess, AuthOutcome::kSuccess);
  EXPECT_EQ(counters.value(AuthAction::kLogin, AuthOutcome::kInvalidCredentials), 2u);
  EXPECT_EQ(counters.value(AuthAction::kAccess, AuthOutcome::kSuccess), 1u);
  EXPECT_EQ(counters.value(AuthAction::kLogin, AuthOutcome::kSuccess), 0u);
  EXPECT_EQ(counters.value(AuthAction::kAccess, AuthOutcome::kUserNotFound), 0u);
}

TEST(AuthCounters, EveryActionAndOutcomeHasItsOwnWord) {
  std::set<std::string> actions;
  for (std::size_t i = 0; i < kAuthActionCount; ++i)
    actions.emplace(action_word(static_cast<AuthAction>(i)));
  EXPECT_EQ(actions, (std::set<std::string>{"login", "refresh", "logout", "access"}));
  std::set<std::string> outcomes;
  for (std::size_t i = 0; i < kAuthOutcomeCount; ++i)
    outcomes.emplace(outcome_word(static_cast<AuthOutcome>(i)));
  EXPECT_EQ(outcomes.size(), kAuthOutcomeCount);
  EXPECT_TRUE(outcomes.contains("token_expired"));
  EXPECT_TRUE(outcomes.contains("success"));
}

}  // namespace
}  // namespace bmcp::auth
