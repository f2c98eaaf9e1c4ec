#include "oauth/browser_session.hpp"

#include <gtest/gtest.h>

namespace bmcp::oauth {
namespace {

TEST(BrowserSessionTest, ASessionReadsBackUntilItExpires) {
  const BrowserSessions sessions("signing key");
  const auto value = sessions.session_value({"a.b c", "uid1"}, 100);
  const auto read = sessions.read_session(value, 99);
  ASSERT_TRUE(read.has_value());
  EXPECT_EQ(read->username, "a.b c");
  EXPECT_EQ(read->uid, "uid1");
  EXPECT_FALSE(sessions.read_session(value, 100).has_value());
}

TEST(BrowserSessionTest, AChangedOrForeignCookieIsRefused) {
  const BrowserSessions sessions("signing key");
  auto value = sessions.session_value({"alice", "uid1"}, 100);
  auto forged = "admin" + value.substr(5);
  EXPECT_FALSE(sessions.read_session(forged, 0).has_value());
  EXPECT_FALSE(BrowserSessions("other key").read_session(value, 0).has_value());
  EXPECT_FALSE(sessions.read_session("", 0).has_value());
  EXPECT_FALSE(sessions.read_session("a.b.c", 0).has_value());
}

TEST(BrowserSessionTest, CsrfTokensBelongToTheirCookie) {
  const BrowserSessions sessions("signing key");
  const auto cookie = BrowserSessions::new_csrf_value();
  EXPECT_TRUE(sessions.csrf_matches(cookie, sessions.csrf_token(cookie)));
  EXPECT_FALSE(
      sessions.csrf_matches(BrowserSessions::new_csrf_value(), sessions.csrf_token(cookie)));
  EXPECT_FALSE(sessions.csrf_matches("", sessions.csrf_token("")));
}

TEST(BrowserSessionTest, CookiesAreHttpOnlyStrictAndSecureOverHttps) {
  EXPECT_EQ(BrowserSessions::set_cookie("n", "v", true, 60),
            "n=v; Path=/authorize; HttpOnly; SameSite=Strict; Max-Age=60; Secure");
  EXPECT_EQ(BrowserSessions::set_cookie("n", "v", false, 0),
            "n=v; Path=/authorize; HttpOnly; SameSite=Strict");
}

}  // namespace
}  // namespace bmcp::oauth
