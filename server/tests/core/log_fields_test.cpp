#include "core/log_fields.hpp"

#include <gtest/gtest.h>

namespace bmcp {
namespace {

TEST(TextWithFields, AppendsEachFieldAsNameEqualsValue) {
  EXPECT_EQ(text_with_fields("dispatch finished",
                             {{"user", "demo"}, {"status", "completed"}, {"duration", 0.25}}),
            "dispatch finished user=demo status=completed duration=0.25");
  EXPECT_EQ(text_with_fields("plain", {}), "plain");
}

TEST(TextWithFields, QuotesValuesThatCouldBreakTheLineOrItsFields) {
  EXPECT_EQ(text_with_fields("login", {{"user", "a b"}}), R"(login user="a b")");
  EXPECT_EQ(text_with_fields("login", {{"user", "x\ny"}}), R"(login user="x\ny")");
  EXPECT_EQ(text_with_fields("login", {{"user", "q\""}}), R"(login user="q\"")");
  EXPECT_EQ(text_with_fields("login", {{"user", "k=v"}}), R"(login user="k=v")");
  EXPECT_EQ(text_with_fields("login", {{"user", ""}}), R"(login user="")");
}

TEST(CurrentLogFields, IsNullOutsideALogCall) {
  EXPECT_EQ(current_log_fields(), nullptr);
}

}  // namespace
}  // namespace bmcp
