#include "core/clock.hpp"

#include <gtest/gtest.h>

namespace bmcp {
namespace {

TEST(FakeClock, MovesOnlyWhenAdvanced) {
  FakeClock clock;
  const auto before = clock.steady_now();
  EXPECT_EQ(clock.steady_now(), before);
  clock.advance(std::chrono::milliseconds(1500));
  EXPECT_EQ(clock.steady_now() - before, std::chrono::milliseconds(1500));
}

TEST(FakeClock, UnixSecondsKeepsTheFraction) {
  FakeClock clock;
  const double start = clock.unix_seconds();
  clock.advance(std::chrono::milliseconds(125));
  EXPECT_DOUBLE_EQ(clock.unix_seconds() - start, 0.125);
}

}  // namespace
}  // namespace bmcp
