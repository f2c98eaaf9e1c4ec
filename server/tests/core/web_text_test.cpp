#include "core/web_text.hpp"

#include <gtest/gtest.h>

namespace bmcp {
namespace {

TEST(WebTextTest, FormsDecodeEscapesAndPlusSigns) {
  const auto fields = parse_form("a=1&b=x+y%2Fz&empty=&flag");
  ASSERT_TRUE(fields.has_value());
  EXPECT_EQ(field(*fields, "a"), "1");
  EXPECT_EQ(field(*fields, "b"), "x y/z");
  EXPECT_EQ(field(*fields, "empty"), "");
  EXPECT_TRUE(fields->contains("flag"));
  EXPECT_EQ(field(*fields, "missing"), "");
}

TEST(WebTextTest, BrokenEscapesAndRepeatedNamesAreRefused) {
  EXPECT_FALSE(parse_form("a=%4").has_value());
  EXPECT_FALSE(parse_form("a=%zz").has_value());
  EXPECT_FALSE(parse_form("a=1&a=2").has_value());
}

TEST(WebTextTest, UrlEncodingKeepsOnlyUnreservedCharacters) {
  EXPECT_EQ(url_encode("a b/c?d=e&f~g.h_i-j"), "a%20b%2Fc%3Fd%3De%26f~g.h_i-j");
  EXPECT_EQ(url_decode(url_encode("ünï <x>")), "ünï <x>");
}

TEST(WebTextTest, CookiesAreSplitAndTheFirstOfANameWins) {
  const auto cookies = parse_cookies("a=1; b = 2 ;a=3; junk; =x");
  EXPECT_EQ(cookies.at("a"), "1");
  EXPECT_EQ(cookies.at("b"), "2");
  EXPECT_EQ(cookies.size(), 2u);
}

TEST(WebTextTest, HtmlEscapingCoversMarkupAndQuotes) {
  EXPECT_EQ(html_escape("<script>alert(\"x\" & 'y')</script>"),
            "&lt;script&gt;alert(&quot;x&quot; &amp; &#39;y&#39;)&lt;/script&gt;");
}

}  // namespace
}  // namespace bmcp
