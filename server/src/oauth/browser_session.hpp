#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "oauth/secrets.hpp"

namespace bmcp::oauth {

// The cookies of the /authorize pages. Both are HttpOnly, SameSite=Strict, Path=/authorize,
// and Secure when the server's public URL is https.
// - `bmcp_csrf`: a random value; every form carries a token derived from it (signed), so a form
//   posted from another site, which cannot read the cookie, is refused (double submit, signed).
// - `bmcp_session`: who signed in on this browser and until when, signed, so a person who
//   signed in once skips the password until it expires; the account is checked on every use.
// Thread safety: immutable; every method may be called from any thread.
class BrowserSessions {
 public:
  static constexpr std::string_view kCsrfCookie = "bmcp_csrf";
  static constexpr std::string_view kSessionCookie = "bmcp_session";

  explicit BrowserSessions(std::string_view signing_key)
      : csrf_(signing_key, "blender-mcp oauth csrf"),
        session_(signing_key, "blender-mcp oauth browser session") {}

  static std::string new_csrf_value() { return random_secret(24); }
  // The token a form carries for the CSRF cookie value `value`.
  std::string csrf_token(std::string_view value) const { return csrf_.sign(value); }
  bool csrf_matches(std::string_view value, std::string_view token) const {
    return !value.empty() && csrf_.verify(value, token);
  }

  struct Session {
    std::string username;
    std::string uid;
  };
  // The cookie value for a session that ends at `expires_at` (Unix seconds).
  std::string session_value(const Session& session, std::int64_t expires_at) const;
  // The session a cookie value names, when its signature verifies and it has not expired.
  std::optional<Session> read_session(std::string_view value, std::int64_t now) const;

  // A Set-Cookie value (`max_age` 0: a cookie for the browser session; negative: delete it).
  static std::string set_cookie(std::string_view name, std::string_view value, bool secure,
                                std::int64_t max_age);

 private:
  Signer csrf_;
  Signer session_;
};

}  // namespace bmcp::oauth
