#include "mcp/session_ids.hpp"

#include <gtest/gtest.h>

#include <string>

namespace bmcp::mcp {
namespace {

TEST(NewSessionId, Is32LowercaseHexCharactersAndNewEachTime) {
  const auto id = new_session_id();
  EXPECT_EQ(id.size(), 32u);
  EXPECT_EQ(id.find_first_not_of("0123456789abcdef"), std::string::npos);
  EXPECT_NE(new_session_id(), id);
  EXPECT_EQ(parse_session_id(id), id);
}

TEST(ParseSessionId, AcceptsVisibleAscii) {
  EXPECT_EQ(parse_session_id("!abc~"), "!abc~");
  EXPECT_EQ(parse_session_id("x"), "x");
}

TEST(ParseSessionId, RefusesEmptyBlanksControlAndNonAsciiBytes) {
  EXPECT_FALSE(parse_session_id("").has_value());
  EXPECT_FALSE(parse_session_id("a b").has_value());
  EXPECT_FALSE(parse_session_id("a\tb").has_value());
  EXPECT_FALSE(parse_session_id("ab\r\nX-Injected: 1").has_value());
  EXPECT_FALSE(parse_session_id(std::string("a\0b", 3)).has_value());
  EXPECT_FALSE(parse_session_id("a\x7f").has_value());
  EXPECT_FALSE(parse_session_id("caf\xc3\xa9").has_value());
}

TEST(ParseLastEventId, ReadsDecimalIdsUpTo64Bits) {
  EXPECT_EQ(parse_last_event_id("0"), 0u);
  EXPECT_EQ(parse_last_event_id("42"), 42u);
  EXPECT_EQ(parse_last_event_id("18446744073709551615"), 18446744073709551615u);
}

TEST(ParseLastEventId, RefusesAnythingElse) {
  EXPECT_FALSE(parse_last_event_id("").has_value());
  EXPECT_FALSE(parse_last_event_id("18446744073709551616").has_value());
  EXPECT_FALSE(parse_last_event_id("-1").has_value());
  EXPECT_FALSE(parse_last_event_id("+1").has_value());
  EXPECT_FALSE(parse_last_event_id(" 1").has_value());
  EXPECT_FALSE(parse_last_event_id("1 ").has_value());
  EXPECT_FALSE(parse_last_event_id("1a").has_value());
  EXPECT_FALSE(parse_last_event_id("0x10").has_value());
}

}  // namespace
}  // namespace bmcp::mcp
