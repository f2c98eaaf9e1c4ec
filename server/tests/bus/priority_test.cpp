#include "bus/priority.hpp"

#include <gtest/gtest.h>

namespace bmcp::bus {
namespace {

TEST(ParsePriority, AcceptsLevelNamesInAnyLetterCase) {
  EXPECT_EQ(*parse_priority(json::value("info")), LogLevel::kInfo);
  EXPECT_EQ(*parse_priority(json::value("INFO")), LogLevel::kInfo);
  EXPECT_EQ(*parse_priority(json::value("Emergency")), LogLevel::kEmergency);
}

TEST(ParsePriority, AcceptsIntegersZeroToSeven) {
  EXPECT_EQ(*parse_priority(json::value(0)), LogLevel::kEmergency);
  EXPECT_EQ(*parse_priority(json::value(7)), LogLevel::kDebug);
}

TEST(ParsePriority, QuotesUnknownNamesAndWritesUnknownNumbersBare) {
  EXPECT_EQ(parse_priority(json::value("loud")).error(), "Unknown priority: 'loud'");
  EXPECT_EQ(parse_priority(json::value(9)).error(), "Unknown priority: 9");
  EXPECT_EQ(parse_priority(json::value(-1)).error(), "Unknown priority: -1");
}

}  // namespace
}  // namespace bmcp::bus
