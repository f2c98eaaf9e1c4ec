#include "core/log_level.hpp"

#include <gtest/gtest.h>

namespace bmcp {
namespace {

TEST(LogLevel, NamesRoundTripAndSetLevelNeedsLowercase) {
  EXPECT_EQ(parse_level("notice"), LogLevel::kNotice);
  EXPECT_EQ(level_name(LogLevel::kEmergency), "emergency");
  EXPECT_FALSE(parse_level("Info").has_value());
  EXPECT_EQ(parse_level_any_case("Info"), LogLevel::kInfo);
}

TEST(LogLevel, IntegersOutsideZeroToSevenAreRefused) {
  EXPECT_EQ(level_from_int(7), LogLevel::kDebug);
  EXPECT_FALSE(level_from_int(8).has_value());
  EXPECT_FALSE(level_from_int(-1).has_value());
}

TEST(LogLevel, AMessagePassesWhenAtLeastAsSevereAsTheThreshold) {
  EXPECT_TRUE(passes(LogLevel::kError, LogLevel::kWarning));
  EXPECT_FALSE(passes(LogLevel::kInfo, LogLevel::kWarning));
  EXPECT_TRUE(passes(LogLevel::kDebug, LogLevel::kDebug));
}

}  // namespace
}  // namespace bmcp
