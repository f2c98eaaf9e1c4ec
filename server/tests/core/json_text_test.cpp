#include "core/json_text.hpp"

#include <gtest/gtest.h>

#include <cmath>

namespace bmcp {
namespace {

TEST(JsonText, ParsesOneValueAndRejectsGarbage) {
  EXPECT_TRUE(parse_json(R"({"a":1})").has_value());
  EXPECT_FALSE(parse_json("{\"a\":").has_value());
  EXPECT_FALSE(parse_json("1 2").has_value());
}

TEST(JsonText, RefusesNumbersBeyondTheRangeOfADouble) {
  // Found by fuzz/targets/jsonrpc_message: these were read as infinities and written back as
  // null.
  for (const char* text : {"5e308", "-5e308", "1e999999", "[1,{\"a\":-31e3082601}]"})
    EXPECT_FALSE(parse_json(text).has_value()) << text;
  EXPECT_EQ(parse_json("1.7976931348623157e308")->as_double(), 1.7976931348623157e308);
  EXPECT_EQ(parse_json("1e-400")->as_double(), 0.0);  // underflow is the nearest double, zero
}

TEST(JsonText, AppendsAStringAsToJsonTextWritesIt) {
  for (const std::string_view text : {"plain", "", "q\"b\\s\n\t\x01\x7f", "caf\xc3\xa9"}) {
    std::string out = "[";
    append_json_string(out, text);
    EXPECT_EQ(out, "[" + to_json_text(json::value(json::string(text)))) << text;
  }
}

TEST(JsonText, SerializesOnOneLine) {
  const auto value = parse_json("{\"text\":\"two\\nlines\"}");
  ASSERT_TRUE(value);
  EXPECT_EQ(to_json_text(*value).find('\n'), std::string::npos);
}

TEST(JsonText, WritesTimestampsInPlainNotation) {
  EXPECT_EQ(to_json_text(json::value(1763726432.004)), "1763726432.004");
  EXPECT_EQ(to_json_text(json::value(3.2)), "3.2");
}

TEST(JsonText, KeepsWholeDoublesRecognisableAsDoubles) {
  EXPECT_EQ(to_json_text(json::value(3.0)), "3.0");
  EXPECT_EQ(to_json_text(json::value(0.0)), "0.0");
  EXPECT_EQ(to_json_text(json::value(1e300)), "1e+300");
}

TEST(JsonText, WritesNonFiniteDoublesAsNull) {
  EXPECT_EQ(to_json_text(json::value(std::nan(""))), "null");
}

TEST(JsonText, EscapesQuotesBackslashesAndControlCharacters) {
  const json::value value{{"k\"ey", "a\\b\n\t\x01\xc3\xa9"}};
  EXPECT_EQ(to_json_text(value), R"({"k\"ey":"a\\b\n\t\u0001)"
                                 "\xc3\xa9"
                                 R"("})");
}

TEST(JsonText, RoundTripsEveryKind) {
  const auto text = R"({"a":[1,-2,18446744073709551615,true,false,null,"s",{"x":0.5}]})";
  const auto value = parse_json(text);
  ASSERT_TRUE(value);
  EXPECT_EQ(to_json_text(*value), text);
  EXPECT_EQ(*parse_json(to_json_text(*value)), *value);
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
