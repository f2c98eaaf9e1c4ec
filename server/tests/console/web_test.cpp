#include "console/web.hpp"

#include <gtest/gtest.h>

namespace bmcp::console {
namespace {

std::string header(const WebReply& reply, std::string_view name) {
  for (const auto& [key, value] : reply.headers)
    if (key == name)
      return value;
  return "";
}

TEST(ConsoleWeb, CookieValueFindsTheNamedCookieOnly) {
  EXPECT_EQ(cookie_value("a=1; bmcp_console=abc; b=2", "bmcp_console"), "abc");
  EXPECT_EQ(cookie_value("xbmcp_console=abc", "bmcp_console"), std::nullopt);
  EXPECT_EQ(cookie_value("", "bmcp_console"), std::nullopt);
}

TEST(ConsoleWeb, QueryValueDecodesAndRefusesBadEscapes) {
  EXPECT_EQ(query_value("client=blender%2D1&index=2", "client"), "blender-1");
  EXPECT_EQ(query_value("client=a+b", "client"), "a b");
  EXPECT_EQ(query_value("client=%zz", "client"), std::nullopt);
  EXPECT_EQ(query_value("client=%2", "client"), std::nullopt);
  EXPECT_EQ(query_value("other=1", "client"), std::nullopt);
  EXPECT_EQ(query_value("client=a&client=b", "client"), std::nullopt);  // which one was meant?
}

TEST(ConsoleWeb, EveryReplyCarriesTheStrictPolicy) {
  const auto reply = error_reply(400, "bad");
  EXPECT_EQ(reply.status, 400);
  EXPECT_EQ(reply.body, R"({"detail":"bad"})");
  const auto policy = header(reply, "Content-Security-Policy");
  EXPECT_NE(policy.find("default-src 'self'"), std::string::npos);
  EXPECT_EQ(policy.find("unsafe-inline"), std::string::npos);
  EXPECT_EQ(header(reply, "X-Content-Type-Options"), "nosniff");
  EXPECT_EQ(header(reply, "Cache-Control"), "no-store");
}

TEST(ConsoleWeb, ConstantTimeEqualComparesWholeStrings) {
  EXPECT_TRUE(constant_time_equal("abc", "abc"));
  EXPECT_FALSE(constant_time_equal("abc", "abd"));
  EXPECT_FALSE(constant_time_equal("abc", "ab"));
  EXPECT_TRUE(constant_time_equal("", ""));
}

}  // namespace
}  // namespace bmcp::console
