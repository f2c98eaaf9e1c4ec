#include "core/json_text.hpp"

#include <gtest/gtest.h>

namespace bmcp {
namespace {

TEST(JsonText, ParsesOneValueAndRejectsGarbage) {
  EXPECT_TRUE(parse_json(R"({"a":1})").has_value());
  EXPECT_FALSE(parse_json("{\"a\":").has_value());
  EXPECT_FALSE(parse_json("1 2").has_value());
}

TEST(JsonText, SerializesOnOneLine) {
  const auto value = parse_json("{\"text\":\"two\\nlines\"}");
  ASSERT_TRUE(value);
  EXPECT_EQ(to_json_text(*value).find('\n'), std::string::npos);
}

TEST(JsonText, TypedLookupsIgnoreOtherTypes) {
  const auto value = parse_json(R"({"s":"x","o":{},"n":1})");
  const auto& object = value->as_object();
  EXPECT_NE(find_string(object, "s"), nullptr);
  EXPECT_EQ(find_string(object, "n"), nullptr);
  EXPECT_NE(find_object(object, "o"), nullptr);
  EXPECT_EQ(find_object(object, "missing"), nullptr);
}

}  // namespace
}  // namespace bmcp
