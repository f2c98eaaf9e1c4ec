#include "auth/user_presence_cache.hpp"

#include <gtest/gtest.h>

namespace bmcp::auth {
namespace {

using std::chrono::milliseconds;

class UserPresenceCacheTest : public ::testing::Test {
 protected:
  void SetUp() override { cache_.enable(); }
  FakeClock clock_;
  UserPresenceCache cache_{clock_, milliseconds(3000)};
};

constexpr std::string_view kAliceUid = "0123456789abcdef0123456789abcdef";
constexpr std::string_view kBobUid = "fedcba9876543210fedcba9876543210";

std::string none() {
  return std::string(UserPresenceCache::kNoAccount);
}

TEST_F(UserPresenceCacheTest, RemembersUidsAndAbsencesUntilTheyAreTooOld) {
  cache_.remember("alice", std::string(kAliceUid), cache_.generation());
  cache_.remember("ghost", none(), cache_.generation());
  EXPECT_EQ(cache_.lookup("alice"), kAliceUid);
  EXPECT_EQ(cache_.lookup("ghost"), UserPresenceCache::kNoAccount);
  EXPECT_EQ(cache_.lookup("bob"), std::nullopt);
  clock_.advance(milliseconds(2999));
  EXPECT_EQ(cache_.lookup("alice"), kAliceUid);
  clock_.advance(milliseconds(1));
  EXPECT_EQ(cache_.lookup("alice"), std::nullopt);
}

TEST_F(UserPresenceCacheTest, HoldsComparesTheRememberedUidUntilItIsTooOld) {
  cache_.remember("alice", std::string(kAliceUid), cache_.generation());
  cache_.remember("ghost", none(), cache_.generation());
  EXPECT_EQ(cache_.holds("alice", kAliceUid), true);
  EXPECT_EQ(cache_.holds("alice", kBobUid), false);
  EXPECT_EQ(cache_.holds("ghost", kBobUid), false);  // remembered: no such user
  EXPECT_EQ(cache_.holds("bob", kBobUid), std::nullopt);
  clock_.advance(milliseconds(3000));
  EXPECT_EQ(cache_.holds("alice", kAliceUid), std::nullopt);
  cache_.disable();
  cache_.remember("alice", std::string(kAliceUid), cache_.generation());
  EXPECT_EQ(cache_.holds("alice", kAliceUid), std::nullopt);
}

TEST_F(UserPresenceCacheTest, ANameRememberedAgainHoldsItsNewAccountsUid) {
  cache_.remember("alice", std::string(kAliceUid), cache_.generation());
  cache_.forget("alice");  // removed and created again
  cache_.remember("alice", std::string(kBobUid), cache_.generation());
  EXPECT_EQ(cache_.lookup("alice"), kBobUid);
}

TEST_F(UserPresenceCacheTest, ForgetDropsOneUserAndForgetAllEveryone) {
  cache_.remember("alice", std::string(kAliceUid), cache_.generation());
  cache_.remember("bob", std::string(kBobUid), cache_.generation());
  cache_.forget("alice");
  EXPECT_EQ(cache_.lookup("alice"), std::nullopt);
  EXPECT_EQ(cache_.lookup("bob"), kBobUid);
  cache_.forget_all();
  EXPECT_EQ(cache_.lookup("bob"), std::nullopt);
}

TEST_F(UserPresenceCacheTest, AnAnswerReadBeforeAChangeIsNotRemembered) {
  const auto generation = cache_.generation();
  cache_.forget("alice");  // a notification arrived while the answer was being read
  cache_.remember("alice", std::string(kAliceUid), generation);
  EXPECT_EQ(cache_.lookup("alice"), std::nullopt);
}

TEST_F(UserPresenceCacheTest, NothingIsRememberedWhileDisabled) {
  cache_.remember("alice", std::string(kAliceUid), cache_.generation());
  cache_.disable();
  EXPECT_EQ(cache_.lookup("alice"), std::nullopt);
  cache_.remember("alice", std::string(kAliceUid), cache_.generation());
  EXPECT_EQ(cache_.lookup("alice"), std::nullopt);
  cache_.enable();
  EXPECT_EQ(cache_.lookup("alice"), std::nullopt);  // enabling starts empty
}

TEST(UserPresenceCacheStartTest, ANewCacheIsDisabled) {
  FakeClock clock;
  UserPresenceCache cache(clock, milliseconds(3000));
  cache.remember("alice", std::string(kAliceUid), cache.generation());
  EXPECT_EQ(cache.lookup("alice"), std::nullopt);
}

}  // namespace
}  // namespace bmcp::auth
