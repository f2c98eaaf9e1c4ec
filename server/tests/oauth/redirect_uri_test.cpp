#include "oauth/redirect_uri.hpp"

#include <gtest/gtest.h>

namespace bmcp::oauth {
namespace {

TEST(RedirectUriTest, HttpsLoopbackHttpAndPrivateSchemesCanBeRegistered) {
  for (const auto* good :
       {"https://claude.ai/api/mcp/auth_callback", "http://127.0.0.1:33418/cb",
        "http://localhost/callback", "http://[::1]:8080/", "com.example.app:/oauth"}) {
    EXPECT_EQ(redirect_uri_problem(good), "") << good;
  }
}

TEST(RedirectUriTest, PlainHttpElsewhereFragmentsAndOddTextAreRefused) {
  for (const auto* bad :
       {"http://evil.example/cb", "http://127.0.0.1.evil.example/cb", "https://a.example/cb#frag",
        "https://user@a.example/cb", "javascript:alert(1)", "data:text/html,x", "", "https://a b/",
        "/relative/path"}) {
    EXPECT_NE(redirect_uri_problem(bad), "") << bad;
  }
}

TEST(RedirectUriTest, LoopbackUrisMatchOnAnyPortOthersOnlyExactly) {
  const std::vector<std::string> registered{"http://127.0.0.1:5000/callback",
                                            "https://app.example/cb"};
  EXPECT_TRUE(redirect_uri_matches("http://127.0.0.1:5000/callback", registered));
  EXPECT_TRUE(redirect_uri_matches("http://127.0.0.1:61234/callback", registered));
  EXPECT_TRUE(redirect_uri_matches("http://127.0.0.1/callback", registered));
  EXPECT_FALSE(redirect_uri_matches("http://127.0.0.1:5000/other", registered));
  EXPECT_FALSE(redirect_uri_matches("http://localhost:5000/callback", registered));
  EXPECT_TRUE(redirect_uri_matches("https://app.example/cb", registered));
  EXPECT_FALSE(redirect_uri_matches("https://app.example:8443/cb", registered));
  EXPECT_FALSE(redirect_uri_matches("https://app.example/cb?x=1", registered));
  EXPECT_FALSE(redirect_uri_matches("https://evil.example/cb", registered));
}

}  // namespace
}  // namespace bmcp::oauth
