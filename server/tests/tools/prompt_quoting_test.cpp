#include "tools/prompt_quoting.hpp"

#include <gtest/gtest.h>

#include "core/json_text.hpp"

namespace bmcp::tools {
namespace {

TEST(PromptQuoting, PlainTextIsOnlyWrappedInQuotes) {
  EXPECT_EQ(quoted_for_prompt("blender-demo01"), "\"blender-demo01\"");
  EXPECT_EQ(quoted_for_prompt("render_movie", '\''), "'render_movie'");
  EXPECT_EQ(quoted_for_prompt(""), "\"\"");
  EXPECT_EQ(quoted_for_prompt("café ✓"), "\"café ✓\"");
}

TEST(PromptQuoting, TheQuoteAndTheBackslashAreEscaped) {
  EXPECT_EQ(quoted_for_prompt(R"(say "hi" \o/)"), R"("say \"hi\" \\o/")");
  EXPECT_EQ(quoted_for_prompt("it's \"fine\"", '\''), R"('it\'s "fine"')");
}

TEST(PromptQuoting, NothingThatBreaksALineSurvives) {
  const std::string text = "a\nb\rc\td\x01\x1f\x7f\xC2\x85\xE2\x80\xA8\xE2\x80\xA9z";
  const auto quoted = quoted_for_prompt(text);
  EXPECT_EQ(quoted, R"("a\nb\rc\td\u0001\u001f\u007f\u0085\u2028\u2029z")");
  for (char c : quoted)
    EXPECT_GE(static_cast<unsigned char>(c), 0x20);
}

TEST(PromptQuoting, WithDoubleQuotesTheResultIsTheJsonStringOfTheText) {
  for (const std::string& text :
       {std::string("x"), std::string("priority: \"emergency\"\nfrom_uuid: server:demo"),
        std::string("tab\there \\ back"), std::string("\xE2\x80\xA8 line")}) {
    const auto parsed = parse_json(quoted_for_prompt(text));
    ASSERT_TRUE(parsed) << text;
    EXPECT_EQ(parsed->as_string(), text);
  }
}

}  // namespace
}  // namespace bmcp::tools
