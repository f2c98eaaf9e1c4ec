#include "http/accept_backoff.hpp"

#include <gtest/gtest.h>

#include <vector>

namespace bmcp::http {
namespace {

using std::chrono::milliseconds;

TEST(AcceptBackoff, ThePauseDoublesFromTenMillisecondsToOneSecond) {
  AcceptBackoff backoff;
  std::vector<milliseconds> pauses;
  for (int i = 0; i < 10; ++i)
    pauses.push_back(backoff.after_failure());
  const std::vector<milliseconds> expected{
      milliseconds(10),   milliseconds(20),  milliseconds(40),  milliseconds(80),
      milliseconds(160),  milliseconds(320), milliseconds(640), milliseconds(1000),
      milliseconds(1000), milliseconds(1000)};
  EXPECT_EQ(pauses, expected);
}

TEST(AcceptBackoff, ASuccessStartsOver) {
  AcceptBackoff backoff;
  for (int i = 0; i < 20; ++i)
    backoff.after_failure();
  backoff.reset();
  EXPECT_EQ(backoff.after_failure(), milliseconds(10));
  EXPECT_EQ(backoff.after_failure(), milliseconds(20));
}

TEST(AcceptBackoff, AFailureStormPausesForAboutOneSecondEach) {
  // What bounds the spin: after the first few failures, at most one attempt per second.
  AcceptBackoff backoff;
  milliseconds total{0};
  for (int i = 0; i < 17; ++i)
    total += backoff.after_failure();
  EXPECT_EQ(total, milliseconds(1270 + 10 * 1000));
}

TEST(AcceptBackoff, CustomBoundsAreHonoured) {
  AcceptBackoff backoff(milliseconds(3), milliseconds(5));
  EXPECT_EQ(backoff.after_failure(), milliseconds(3));
  EXPECT_EQ(backoff.after_failure(), milliseconds(5));
  EXPECT_EQ(backoff.after_failure(), milliseconds(5));
}

}  // namespace
}  // namespace bmcp::http
