#include "mcp/tool_result.hpp"

#include <gtest/gtest.h>

namespace bmcp::mcp {
namespace {

TEST(JsonToolResult, CarriesTheObjectAsTextAndAsStructuredContent) {
  const json::object result{{"status", "ok"}};
  auto out = json_tool_result(result, "2025-11-25");
  EXPECT_EQ(out.at("content").at(0).at("text"), "{\"status\":\"ok\"}");
  EXPECT_EQ(out.at("structuredContent"), result);
  EXPECT_EQ(out.at("isError"), false);
}

TEST(JsonToolResult, OmitsStructuredContentFor20250326) {
  EXPECT_FALSE(json_tool_result(json::object{}, "2025-03-26").contains("structuredContent"));
}

TEST(ErrorToolResult, IsMarkedAsAnError) {
  EXPECT_EQ(error_tool_result("bad").at("isError"), true);
}

TEST(TextToolResult, IsOneTextContentItemInOrder) {
  EXPECT_EQ(to_json_text(text_tool_result("a \"b\"")),
            R"({"content":[{"type":"text","text":"a \"b\""}],"isError":false})");
  EXPECT_EQ(to_json_text(error_tool_result("bad")),
            R"({"content":[{"type":"text","text":"bad"}],"isError":true})");
}

}  // namespace
}  // namespace bmcp::mcp
