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

TEST_F(LoginRateLimiterTest, ThePairLimitDoesNotBlockOtherUsernames) {
  fail("10.0.0.1", "demo", 5);
  EXPECT_EQ(limiter_.retry_after("10.0.0.1", "alice"), std::nullopt);
}

TEST_F(LoginRateLimiterTest, ThePairLimitBlocksTheUsernameElsewhereOnlyForTheAccountDelay) {
  fail("10.0.0.1", "demo", 5);
  EXPECT_EQ(limiter_.retry_after("10.0.0.2", "demo"), seconds(1));
  clock_.advance(seconds(1));
  EXPECT_EQ(limiter_.retry_after("10.0.0.2", "demo"), std::nullopt);
  EXPECT_EQ(limiter_.retry_after("10.0.0.1", "demo"), seconds(299));
}

TEST_F(LoginRateLimiterTest, TwentyFailedUsernamesFromOneAddressBlockEveryUsername) {
  for (int i = 0; i < 20; ++i) {
    fail("10.0.0.1", "user" + std::to_string(i));
  }
  EXPECT_EQ(limiter_.retry_after("10.0.0.1", "someone-new"), seconds(300));
  EXPECT_EQ(limiter_.retry_after("10.0.0.2", "someone-new"), std::nullopt);
}

TEST_F(LoginRateLimiterTest, NineteenFailedUsernamesFromOneAddressStillAllowOtherUsernames) {
  for (int i = 0; i < 19; ++i) {
    fail("10.0.0.1", "user" + std::to_string(i), 3);
  }
  EXPECT_EQ(limiter_.retry_after("10.0.0.1", "someone-new"), std::nullopt);
}

TEST_F(LoginRateLimiterTest, ManyFailuresOfOneUsernameCountOnceForTheAddress) {
  // One account hammered from a shared address (loopback, one reverse proxy): more failures
  // than the address limit, as concurrent attempts and several windows could produce.
  for (int i = 0; i < 10; ++i) {
    fail("127.0.0.1", "victim", 5);
    clock_.advance(seconds(60));
  }
  EXPECT_EQ(limiter_.retry_after("127.0.0.1", "alice"), std::nullopt);
  for (int i = 0; i < 18; ++i) {
    fail("127.0.0.1", "user" + std::to_string(i));
  }
  EXPECT_EQ(limiter_.retry_after("127.0.0.1", "alice"), std::nullopt);  // 19 usernames
  fail("127.0.0.1", "user18");
  // 20 usernames now; the oldest is victim's, last failed at 540 s (now is 600 s).
  EXPECT_EQ(limiter_.retry_after("127.0.0.1", "alice"), seconds(240));
}

TEST_F(LoginRateLimiterTest, TheAddressOpensWhenItsOldestFailedUsernameLeavesTheWindow) {
  for (int i = 0; i < 20; ++i) {
    fail("10.0.0.1", "user" + std::to_string(i));
    clock_.advance(seconds(1));
  }
  // user0 failed at 0 s, user1 at 1 s; user0 failing again at 20 s makes user1 the oldest.
  fail("10.0.0.1", "user0");
  EXPECT_EQ(limiter_.retry_after("10.0.0.1", "alice"), seconds(281));
}

TEST_F(LoginRateLimiterTest, ASuccessClearsThePairCounter) {
  fail("10.0.0.1", "demo", 4);
  limiter_.record_success("10.0.0.1", "demo");
  fail("10.0.0.1", "demo", 4);
  EXPECT_EQ(limiter_.retry_after("10.0.0.1", "demo"), std::nullopt);
}

TEST_F(LoginRateLimiterTest, ASuccessRemovesItsUsernameFromTheAddressList) {
  for (int i = 0; i < 19; ++i) {
    fail("10.0.0.1", "user" + std::to_string(i));
  }
  limiter_.record_success("10.0.0.1", "user0");
  fail("10.0.0.1", "other");  // 19 failed usernames again, not 20
  EXPECT_EQ(limiter_.retry_after("10.0.0.1", "someone-new"), std::nullopt);
  fail("10.0.0.1", "another");
  EXPECT_EQ(limiter_.retry_after("10.0.0.1", "someone-new"), seconds(300));
}

TEST_F(LoginRateLimiterTest, ASuccessOfOneUsernameLeavesTheOthersOfTheAddress) {
  for (int i = 0; i < 20; ++i) {
    fail("10.0.0.1", "user" + std::to_string(i));
  }
  limiter_.record_success("10.0.0.2", "user0");  // another address: not this one's list
  EXPECT_EQ(limiter_.retry_after("10.0.0.1", "someone-new"), seconds(300));
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
  EXPECT_EQ(limiter_.tracked_keys(), 201u);  // 100 pairs, 100 addresses, one account
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

// The account rule ---------------------------------------------------------------------------

TEST_F(LoginRateLimiterTest, AnAccountsFailuresFromManyAddressesSlowItEverywhere) {
  for (int i = 0; i < 5; ++i) {
    fail("10.0.1." + std::to_string(i), "victim");
  }
  EXPECT_EQ(limiter_.retry_after("10.0.9.9", "victim"), seconds(1));
  EXPECT_EQ(limiter_.retry_after("10.0.1.0", "victim"), seconds(1));
  // Other accounts, also from the attacking addresses, are not slowed.
  EXPECT_EQ(limiter_.retry_after("10.0.1.0", "alice"), std::nullopt);
}

TEST_F(LoginRateLimiterTest, FourFailuresOfAnAccountDoNotSlowIt) {
  for (int i = 0; i < 4; ++i) {
    fail("10.0.1." + std::to_string(i), "victim");
  }
  EXPECT_EQ(limiter_.retry_after("10.0.9.9", "victim"), std::nullopt);
}

TEST_F(LoginRateLimiterTest, TheAccountDelayDoublesWithEveryFailureUpToOneMinute) {
  int address = 0;
  auto fail_from_a_new_address = [&] { fail("10.0.2." + std::to_string(address++), "victim"); };
  for (int i = 0; i < 4; ++i)
    fail_from_a_new_address();
  for (const int expected : {1, 2, 4, 8, 16, 32, 60, 60, 60}) {
    fail_from_a_new_address();
    EXPECT_EQ(limiter_.retry_after("10.0.9.9", "victim"), seconds(expected));
    clock_.advance(seconds(expected) - milliseconds(1));
    EXPECT_EQ(limiter_.retry_after("10.0.9.9", "victim"), seconds(1));
    clock_.advance(milliseconds(1));
    EXPECT_EQ(limiter_.retry_after("10.0.9.9", "victim"), std::nullopt);
  }
}

TEST_F(LoginRateLimiterTest, ASuccessClearsTheAccountDelay) {
  for (int i = 0; i < 5; ++i) {
    fail("10.0.3." + std::to_string(i), "victim");
  }
  clock_.advance(seconds(1));
  limiter_.record_success("10.0.9.9", "victim");
  fail("10.0.3.9", "victim", 4);
  EXPECT_EQ(limiter_.retry_after("10.0.9.8", "victim"), std::nullopt);
}

TEST_F(LoginRateLimiterTest, AnAccountIsForgottenAfterAWindowWithoutFailures) {
  for (int i = 0; i < 8; ++i) {
    fail("10.0.4." + std::to_string(i), "victim");
  }
  clock_.advance(seconds(299));
  fail("10.0.4.100", "victim");  // the ninth failure, within the window of the eighth
  EXPECT_EQ(limiter_.retry_after("10.0.9.9", "victim"), seconds(16));
  clock_.advance(seconds(300));
  fail("10.0.4.101", "victim");  // counted as the first again
  EXPECT_EQ(limiter_.retry_after("10.0.9.9", "victim"), std::nullopt);
}

TEST_F(LoginRateLimiterTest, CustomAccountDelaysAreHonoured) {
  LoginRateLimiter::Limits limits;
  limits.account_free_failures = 2;
  limits.account_first_delay = seconds(10);
  limits.account_longest_delay = seconds(15);
  LoginRateLimiter custom(clock_, limits);
  custom.record_failure("10.0.5.1", "victim");
  EXPECT_EQ(custom.retry_after("10.0.9.9", "victim"), std::nullopt);
  custom.record_failure("10.0.5.2", "victim");
  EXPECT_EQ(custom.retry_after("10.0.9.9", "victim"), seconds(10));
  custom.record_failure("10.0.5.3", "victim");
  EXPECT_EQ(custom.retry_after("10.0.9.9", "victim"), seconds(15));
}

TEST_F(LoginRateLimiterTest, HeldKeysAreBoundedByTheCapacity) {
  LoginRateLimiter::Limits limits;
  limits.max_tracked_keys = 10;
  LoginRateLimiter small(clock_, limits);
  for (int i = 0; i < 100; ++i) {
    small.record_failure("10.0.6." + std::to_string(i), "user" + std::to_string(i));
  }
  EXPECT_EQ(small.tracked_keys(), 30u);
  // The newest keys are the ones kept.
  for (int i = 0; i < 4; ++i)
    small.record_failure("10.0.6.99", "user99");
  EXPECT_EQ(small.retry_after("10.0.6.99", "user99"), seconds(300));
}

}  // namespace
}  // namespace bmcp::auth
