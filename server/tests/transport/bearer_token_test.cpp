#include "transport/bearer_token.hpp"

#include <gtest/gtest.h>

namespace bmcp::transport {
namespace {

TEST(ParseBearerAuthorization, MatchesTheSchemeCaseInsensitively) {
  EXPECT_EQ(parse_bearer_authorization("bEaReR abc.def.ghi"), "abc.def.ghi");
  EXPECT_EQ(parse_bearer_authorization("Bearer abc"), "abc");
}

TEST(ParseBearerAuthorization, DropsSpacesAroundTheToken) {
  EXPECT_EQ(parse_bearer_authorization("Bearer   abc  "), "abc");
}

TEST(ParseBearerAuthorization, RefusesOtherSchemesAndEmptyTokens) {
  EXPECT_FALSE(parse_bearer_authorization("Basic abc").has_value());
  EXPECT_FALSE(parse_bearer_authorization("Bearer").has_value());
  EXPECT_FALSE(parse_bearer_authorization("Bearer ").has_value());
  EXPECT_FALSE(parse_bearer_authorization("Bearer    ").has_value());
  EXPECT_FALSE(parse_bearer_authorization("Bearerabc").has_value());
  EXPECT_FALSE(parse_bearer_authorization("").has_value());
}

TEST(BearerToken, ReadsTheAuthorizationHeader) {
  http::Headers headers;
  EXPECT_FALSE(bearer_token(headers).has_value());
  headers.set("authorization", "Bearer abc.def.ghi");
  EXPECT_EQ(bearer_token(headers), "abc.def.ghi");
  headers.set("Authorization", "Basic abc");
  EXPECT_FALSE(bearer_token(headers).has_value());
}

}  // namespace
}  // namespace bmcp::transport
