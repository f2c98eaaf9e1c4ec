#include "auth/string_array_text.hpp"

#include <gtest/gtest.h>

namespace bmcp::auth {
namespace {

using Strings = std::vector<std::string>;

TEST(StringArrayTextTest, WritesAJsonArrayOfStrings) {
  EXPECT_EQ(to_string_array_text({"admin", "user"}), R"(["admin","user"])");
  EXPECT_EQ(to_string_array_text({}), "[]");
}

TEST(StringArrayTextTest, ReadsBackWhatItWrote) {
  const Strings items{"a\"b", "*", ""};
  EXPECT_EQ(parse_string_array_text(to_string_array_text(items)), items);
}

TEST(StringArrayTextTest, RefusesAnythingButAnArrayOfStrings) {
  for (const char* text : {"", "not json", "{}", "\"user\"", "[1]", R"(["a",null])"}) {
    EXPECT_EQ(parse_string_array_text(text), std::nullopt) << text;
  }
}

}  // namespace
}  // namespace bmcp::auth
