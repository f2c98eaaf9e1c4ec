#include "pgstore/user_presence_cache.hpp"

#include <gtest/gtest.h>

namespace bmcp::pgstore {
namespace {

using std::chrono::milliseconds;

class UserPresenceCacheTest : public ::testing::Test {
 protected:
  void SetUp() override { cache_.enable(); }
  FakeClock clock_;
  UserPresenceCache cache_{clock_, milliseconds(3000)};
};

TEST_F(UserPresenceCacheTest, RemembersAnswersUntilTheyAreTooOld) {
  cache_.remember("alice", true, cache_.generation());
  cache_.remember("ghost", false, cache_.generation());
  EXPECT_EQ(cache_.lookup("alice"), true);
  EXPECT_EQ(cache_.lookup("ghost"), false);
  EXPECT_EQ(cache_.lookup("bob"), std::nullopt);
  clock_.advance(milliseconds(2999));
  EXPECT_EQ(cache_.lookup("alice"), true);
  clock_.advance(milliseconds(1));
  EXPECT_EQ(cache_.lookup("alice"), std::nullopt);
}

TEST_F(UserPresenceCacheTest, ForgetDropsOneUserAndForgetAllEveryone) {
  cache_.remember("alice", true, cache_.generation());
  cache_.remember("bob", true, cache_.generation());
  cache_.forget("alice");
  EXPECT_EQ(cache_.lookup("alice"), std::nullopt);
  EXPECT_EQ(cache_.lookup("bob"), true);
  cache_.forget_all();
  EXPECT_EQ(cache_.lookup("bob"), std::nullopt);
}

TEST_F(UserPresenceCacheTest, AnAnswerReadBeforeAChangeIsNotRemembered) {
  const auto generation = cache_.generation();
  cache_.forget("alice");  // a notification arrived while the answer was being read
  cache_.remember("alice", true, generation);
  EXPECT_EQ(cache_.lookup("alice"), std::nullopt);
}

TEST_F(UserPresenceCacheTest, NothingIsRememberedWhileDisabled) {
  cache_.remember("alice", true, cache_.generation());
  cache_.disable();
  EXPECT_EQ(cache_.lookup("alice"), std::nullopt);
  cache_.remember("alice", true, cache_.generation());
  EXPECT_EQ(cache_.lookup("alice"), std::nullopt);
  cache_.enable();
  EXPECT_EQ(cache_.lookup("alice"), std::nullopt);  // enabling starts empty
}

TEST(UserPresenceCacheStartTest, ANewCacheIsDisabled) {
  FakeClock clock;
  UserPresenceCache cache(clock, milliseconds(3000));
  cache.remember("alice", true, cache.generation());
  EXPECT_EQ(cache.lookup("alice"), std::nullopt);
}

}  // namespace
}  // namespace bmcp::pgstore
