#include "auth/verified_token_cache.hpp"

#include <gtest/gtest.h>

#include <stdexcept>
#include <string>

namespace bmcp::auth {
namespace {

constexpr std::int64_t kNow = 1'700'000'000;

Claims claims_for(std::string sub, std::int64_t exp) {
  Claims claims;
  claims.sub = sub;
  claims.username = std::move(sub);
  claims.typ = std::string(kAccessTokenType);
  claims.roles = {"user"};
  claims.exp = exp;
  return claims;
}

TEST(VerifiedTokenCacheTest, AnInsertedTokenIsFoundWithItsClaims) {
  VerifiedTokenCache cache(4);
  cache.insert("token-a", claims_for("alice", kNow + 60));
  const auto found = cache.lookup("token-a", kNow);
  ASSERT_TRUE(found.has_value());
  EXPECT_EQ(found->sub, "alice");
  EXPECT_EQ(found->roles, (std::vector<std::string>{"user"}));
  EXPECT_EQ(found->exp, kNow + 60);
}

TEST(VerifiedTokenCacheTest, OnlyTheExactTokenTextHits) {
  VerifiedTokenCache cache(4);
  cache.insert("token-a", claims_for("alice", kNow + 60));
  EXPECT_FALSE(cache.lookup("token-b", kNow).has_value());
  EXPECT_FALSE(cache.lookup("token-a ", kNow).has_value());
  EXPECT_FALSE(cache.lookup("token-", kNow).has_value());
  EXPECT_FALSE(cache.lookup("", kNow).has_value());
}

TEST(VerifiedTokenCacheTest, ATokenIsAMissFromTheSecondItsExpReaches) {
  VerifiedTokenCache cache(4);
  cache.insert("token-a", claims_for("alice", kNow + 60));
  EXPECT_TRUE(cache.lookup("token-a", kNow + 59).has_value());
  EXPECT_FALSE(cache.lookup("token-a", kNow + 60).has_value());
  // The expired entry was dropped, so it stays a miss even for an earlier clock reading.
  EXPECT_FALSE(cache.lookup("token-a", kNow).has_value());
  EXPECT_EQ(cache.size(), 0U);
}

TEST(VerifiedTokenCacheTest, TheOldestInsertedTokenIsEvictedBeyondTheBound) {
  VerifiedTokenCache cache(3);
  for (const char* token : {"t1", "t2", "t3", "t4"}) {
    cache.insert(token, claims_for("alice", kNow + 60));
  }
  EXPECT_EQ(cache.size(), 3U);
  EXPECT_FALSE(cache.lookup("t1", kNow).has_value());
  EXPECT_TRUE(cache.lookup("t2", kNow).has_value());
  EXPECT_TRUE(cache.lookup("t4", kNow).has_value());
}

TEST(VerifiedTokenCacheTest, InsertingATokenTwiceKeepsOneEntry) {
  VerifiedTokenCache cache(2);
  cache.insert("t1", claims_for("alice", kNow + 60));
  cache.insert("t1", claims_for("alice", kNow + 60));
  cache.insert("t2", claims_for("bob", kNow + 60));
  EXPECT_EQ(cache.size(), 2U);
  EXPECT_TRUE(cache.lookup("t1", kNow).has_value());
}

TEST(VerifiedTokenCacheTest, AnErasedTokenIsAMiss) {
  VerifiedTokenCache cache(4);
  cache.insert("t1", claims_for("alice", kNow + 60));
  cache.insert("t2", claims_for("alice", kNow + 60));
  EXPECT_TRUE(cache.erase("t1"));
  EXPECT_FALSE(cache.erase("t1"));
  EXPECT_FALSE(cache.lookup("t1", kNow).has_value());
  EXPECT_TRUE(cache.lookup("t2", kNow).has_value());
}

TEST(VerifiedTokenCacheTest, AZeroCapacityIsRefused) {
  EXPECT_THROW(VerifiedTokenCache cache(0), std::invalid_argument);
}

}  // namespace
}  // namespace bmcp::auth
