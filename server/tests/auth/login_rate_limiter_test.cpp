#include "auth/login_rate_limiter.hpp"

#include <gtest/gtest.h>

#include <string>
#include <thread>
#include <vector>

namespace bmcp::auth {
namespace {

using std::chrono::milliseconds;
using std::chrono::seconds;

class LoginRateLimiterTest : public ::testing::Test {
 protected:
  void fail(std::string_view address, std::string_view username, int times = 1) {
    for (int i = 0; i < times; ++i) {
      limiter_.record_failure(address, username);
    }
  }

  FakeClock clock_;
  LoginRateLimiter limiter_{clock_};
};

TEST_F(LoginRateLimiterTest, AFreshPairIsAllowed) {
  EXPECT_EQ(limiter_.retry_after("10.0.0.1", "demo"), std::nullopt);
}

TEST_F(LoginRateLimiterTest, FourFailuresStillAllowAnAttempt) {
  fail("10.0.0.1", "demo", 4);
  EXPECT_EQ(limiter_.retry_after("10.0.0.1", "demo"), std::nullopt);
}

TEST_F(LoginRateLimiterTest, FiveFailuresOfOnePairBlockItForTheWholeWindow) {
  fail("10.0.0.1", "demo", 5);
  EXPECT_EQ(limiter_.retry_after("10.0.0.1", "demo"), seconds(300));
}

TEST_F(LoginRateLimiterTest, RetryAfterCountsDownToWhenTheOldestFailureLeavesTheWindow) {
  for (int i = 0; i < 5; ++i) {
    fail("10.0.0.1", "demo");
    clock_.advance(seconds(10));
  }
  // Failures at 0, 10, 20, 30, 40 s; now is 50 s.
  EXPECT_EQ(limiter_.retry_after("10.0.0.1", "demo"), seconds(250));
  clock_.advance(seconds(249));
  EXPECT_EQ(limiter_.retry_after("10.0.0.1", "demo"), seconds(1));
  clock_.advance(seconds(1));
  EXPECT_EQ(limiter_.retry_after("10.0.0.1", "demo"), std::nullopt);
}

TEST_F(LoginRateLimiterTest, RetryAfterRoundsUpAndIsAtLeastOneSecond) {
  fail("10.0.0.1", "demo", 5);
  clock_.advance(milliseconds(298'500));
  EXPECT_EQ(limiter_.retry_after("10.0.0.1", "demo"), seconds(2));
  clock_.advance(milliseconds(1'499));
  EXPECT_EQ(limiter_.retry_after("10.0.0.1", "demo"), seconds(1));
}

TEST_F(LoginRateLimiterTest, ThePairLimitDoesNotBlockOtherUsernamesOrAddresses) {
  fail("10.0.0.1", "demo", 5);
  EXPECT_EQ(limiter_.retry_after("10.0.0.1", "alice"), std::nullopt);
  EXPECT_EQ(limiter_.retry_after("10.0.0.2", "demo"), std::nullopt);
}

TEST_F(LoginRateLimiterTest, TwentyFailuresFromOneAddressBlockEveryUsername) {
  for (int i = 0; i < 20; ++i) {
    fail("10.0.0.1", "user" + std::to_string(i));
  }
  EXPECT_EQ(limiter_.retry_after("10.0.0.1", "someone-new"), seconds(300));
  EXPECT_EQ(limiter_.retry_after("10.0.0.2", "someone-new"), std::nullopt);
}

TEST_F(LoginRateLimiterTest, NineteenFailuresFromOneAddressStillAllowOtherUsernames) {
  for (int i = 0; i < 19; ++i) {
    fail("10.0.0.1", "user" + std::to_string(i));
  }
  EXPECT_EQ(limiter_.retry_after("10.0.0.1", "someone-new"), std::nullopt);
}

TEST_F(LoginRateLimiterTest, ASuccessClearsThePairCounter) {
  fail("10.0.0.1", "demo", 4);
  limiter_.record_success("10.0.0.1", "demo");
  fail("10.0.0.1", "demo", 4);
  EXPECT_EQ(limiter_.retry_after("10.0.0.1", "demo"), std::nullopt);
}

TEST_F(LoginRateLimiterTest, ASuccessLeavesTheAddressCounter) {
  for (int i = 0; i < 4; ++i) {
    fail("10.0.0.1", "user" + std::to_string(i), 4);
  }
  limiter_.record_success("10.0.0.1", "user0");
  fail("10.0.0.1", "other", 4);  // 20 failures from the address in all
  EXPECT_EQ(limiter_.retry_after("10.0.0.1", "user0"), seconds(300));
}

TEST_F(LoginRateLimiterTest, WhenBothLimitsApplyTheLongerWaitIsReported) {
  fail("10.0.0.1", "demo", 5);  // the pair opens at 300 s
  clock_.advance(seconds(100));
  for (int i = 0; i < 20; ++i) {
    fail("10.0.0.1", "user" + std::to_string(i));  // the address opens at 400 s
  }
  EXPECT_EQ(limiter_.retry_after("10.0.0.1", "demo"), seconds(300));
}

TEST_F(LoginRateLimiterTest, FailuresBeyondTheLimitKeepTheKeyClosedUntilItIsBelowTheLimit) {
  // Attempts that passed the check together may all fail: seven failures, one per second.
  for (int i = 0; i < 7; ++i) {
    fail("10.0.0.1", "demo");
    clock_.advance(seconds(1));
  }
  // Failures at 0..6 s; below the limit again once the one at 2 s leaves, at 302 s. Now is 7 s.
  EXPECT_EQ(limiter_.retry_after("10.0.0.1", "demo"), seconds(295));
}

TEST_F(LoginRateLimiterTest, KeysWithoutRecentFailuresAreDropped) {
  for (int i = 0; i < 100; ++i) {
    fail("10.0.0." + std::to_string(i), "demo");
  }
  EXPECT_EQ(limiter_.tracked_keys(), 200u);
  clock_.advance(seconds(300));
  EXPECT_EQ(limiter_.tracked_keys(), 0u);
}

TEST_F(LoginRateLimiterTest, AnOverlongUsernameIsCountedUnderItsPrefix) {
  const std::string long_name(10'000, 'x');
  fail("10.0.0.1", long_name, 5);
  EXPECT_EQ(limiter_.retry_after("10.0.0.1", long_name), seconds(300));
  EXPECT_EQ(limiter_.retry_after("10.0.0.1", long_name + "y"), seconds(300));
}

TEST_F(LoginRateLimiterTest, CustomLimitsAreHonoured) {
  LoginRateLimiter strict(clock_, LoginRateLimiter::Limits{seconds(60), 1, 2});
  strict.record_failure("10.0.0.1", "demo");
  EXPECT_EQ(strict.retry_after("10.0.0.1", "demo"), seconds(60));
  EXPECT_EQ(strict.retry_after("10.0.0.1", "alice"), std::nullopt);
}

TEST_F(LoginRateLimiterTest, FailuresFromManyThreadsAreAllCounted) {
  std::vector<std::thread> threads;
  threads.reserve(4);
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([this, t] {
      for (int i = 0; i < 5; ++i) {
        limiter_.record_failure("10.0.0.1", "t" + std::to_string(t) + "-" + std::to_string(i));
      }
    });
  }
  for (auto& thread : threads) {
    thread.join();
  }
  EXPECT_EQ(limiter_.retry_after("10.0.0.1", "anyone"), seconds(300));
}

}  // namespace
}  // namespace bmcp::auth
