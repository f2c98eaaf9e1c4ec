#include "oidc/compact_jws.hpp"

#include <gtest/gtest.h>

#include "test_keys.hpp"

namespace bmcp::oidc {
namespace {

using testing::base64url;

TEST(CompactJwsTest, SplitsAndDecodes) {
  const std::string token =
      base64url(R"({"alg":"RS256"})") + "." + base64url(R"({"sub":"a"})") + "." + base64url("sig");
  const auto jws = parse_compact_jws(token);
  ASSERT_TRUE(jws);
  EXPECT_EQ(jws->header.at("alg"), "RS256");
  EXPECT_EQ(jws->payload.at("sub"), "a");
  EXPECT_EQ(jws->signature, "sig");
  EXPECT_EQ(jws->signing_input, token.substr(0, token.rfind('.')));
}

TEST(CompactJwsTest, RefusesMalformedTokens) {
  const std::string header = base64url(R"({"alg":"RS256"})");
  const std::string payload = base64url(R"({"sub":"a"})");
  EXPECT_FALSE(parse_compact_jws(""));
  EXPECT_FALSE(parse_compact_jws("abc"));
  EXPECT_FALSE(parse_compact_jws(header + "." + payload));
  EXPECT_FALSE(parse_compact_jws(header + "." + payload + ".x.y"));
  EXPECT_FALSE(parse_compact_jws(header + "." + base64url("[1]") + ".AA"));
  EXPECT_FALSE(parse_compact_jws(header + "." + base64url("{") + ".AA"));
  EXPECT_FALSE(parse_compact_jws(header + "=." + payload + ".AA"));
  EXPECT_FALSE(parse_compact_jws(header + "." + payload + "." + std::string(20000, 'A')));
}

}  // namespace
}  // namespace bmcp::oidc
