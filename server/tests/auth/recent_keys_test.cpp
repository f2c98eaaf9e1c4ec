#include "auth/recent_keys.hpp"

#include <gtest/gtest.h>

#include <string>

namespace bmcp::auth {
namespace {

using std::chrono::seconds;

class RecentKeysTest : public ::testing::Test {
 protected:
  SteadyTime now() const { return clock_.steady_now(); }

  FakeClock clock_;
  RecentKeys<std::string, int> keys_{seconds(300), 3};
};

TEST_F(RecentKeysTest, ANewKeyStartsFromItsDefaultState) {
  EXPECT_EQ(keys_.find("a"), nullptr);
  EXPECT_EQ(keys_.touch("a", now()), 0);
  keys_.touch("a", now()) = 7;
  ASSERT_NE(keys_.find("a"), nullptr);
  EXPECT_EQ(*keys_.find("a"), 7);
}

TEST_F(RecentKeysTest, AKeyIsForgottenAWholeWindowAfterItsLastTouch) {
  keys_.touch("a", now()) = 1;
  clock_.advance(seconds(200));
  keys_.touch("a", now());  // touched again: the window starts over
  keys_.touch("b", now());
  clock_.advance(seconds(299));
  keys_.expire(now());
  EXPECT_EQ(keys_.size(), 2u);
  clock_.advance(seconds(1));
  keys_.expire(now());
  EXPECT_EQ(keys_.size(), 0u);
}

TEST_F(RecentKeysTest, ExpiryKeepsKeysTouchedLater) {
  keys_.touch("old", now());
  clock_.advance(seconds(100));
  keys_.touch("new", now());
  clock_.advance(seconds(200));
  keys_.expire(now());
  EXPECT_EQ(keys_.find("old"), nullptr);
  EXPECT_NE(keys_.find("new"), nullptr);
}

TEST_F(RecentKeysTest, BeyondTheCapacityTheLeastRecentlyTouchedKeyIsForgotten) {
  keys_.touch("a", now());
  keys_.touch("b", now());
  keys_.touch("c", now());
  keys_.touch("a", now());  // b is now the least recently touched
  keys_.touch("d", now());
  EXPECT_EQ(keys_.size(), 3u);
  EXPECT_EQ(keys_.find("b"), nullptr);
  EXPECT_NE(keys_.find("a"), nullptr);
  EXPECT_NE(keys_.find("c"), nullptr);
  EXPECT_NE(keys_.find("d"), nullptr);
}

TEST_F(RecentKeysTest, EraseForgetsOneKey) {
  keys_.touch("a", now());
  keys_.touch("b", now());
  keys_.erase("a");
  keys_.erase("never-held");
  EXPECT_EQ(keys_.size(), 1u);
  EXPECT_EQ(keys_.find("a"), nullptr);
  clock_.advance(seconds(300));
  keys_.expire(now());
  EXPECT_EQ(keys_.size(), 0u);
}

}  // namespace
}  // namespace bmcp::auth
