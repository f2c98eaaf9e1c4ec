#pragma once

#include <chrono>
#include <cstdint>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

#include "auth/token_error.hpp"
#include "auth/user_record.hpp"
#include "core/clock.hpp"
#include "core/result.hpp"

namespace bmcp::auth {

inline constexpr std::string_view kAccessTokenType = "access";
inline constexpr std::string_view kRefreshTokenType = "refresh";

// The claims of one of our tokens (contract 3.2, plus `uid`: the account id, UserRecord::uid,
// in both token types). A refresh token carries no username, roles or scopes; absent claims are
// left empty.
struct Claims {
  std::string sub;
  std::string uid;
  std::string username;
  std::string typ;
  std::string jti;
  std::vector<std::string> roles;
  std::vector<std::string> scopes;
  std::int64_t iat = 0;
  std::int64_t exp = 0;
  // The audiences (`aud`, a string or an array of strings; empty when absent).
  std::vector<std::string> audiences;
  // Set only in tokens issued to an OAuth client (docs/authorization.md): the client's id
  // and the scopes it was granted (`scope`, space-separated as in RFC 8693).
  std::string client_id;
  std::string scope;
};

// What an access token issued to an OAuth client carries besides the user's claims.
struct ClientGrant {
  std::string client_id;
  std::vector<std::string> scopes;
};

// Issues and verifies HS256 JWTs. Time ("now", iat, exp) comes from the injected clock, in
// whole Unix seconds.
// Thread safety: every method may be called from any thread.
class TokenService {
 public:
  // REQUIRES: key is not empty; both lifetimes are positive.
  TokenService(std::string key, const Clock& clock, std::chrono::seconds access_ttl,
               std::chrono::seconds refresh_ttl);

  struct Issued {
    std::string token;
    std::string jti;  // 32 lowercase hex characters
    std::int64_t iat = 0;
    std::int64_t exp = 0;
  };

  // Claims sub, uid, username, roles, scopes, iat, exp = iat + access_ttl, jti, typ "access",
  // aud = audience() when one is set, and with `client` its client_id and scope.
  Issued issue_access(const UserRecord& user, const ClientGrant* client = nullptr) const;
  // Claims sub, uid, iat, exp = iat + refresh_ttl, jti, typ "refresh".
  Issued issue_refresh(const UserRecord& user) const;

  // Every check of contract 3.3 that needs only the token, in its order: malformed, alg,
  // signature, exp <= now (no leeway), sub; then uid (kMissingUid); then, when an audience is
  // set: an `aud` must name it (kWrongAudience), and an access token (typ "access") must carry
  // one (kMissingAudience). Refresh tokens carry no aud: they are redeemed only here, against
  // the store, never presented to a resource. typ, and whether sub and uid still name an
  // account, are the caller's to check.
  Result<Claims, TokenError> verify(std::string_view token) const;
  // As verify(), but an expired token passes, and so does an access token without aud (as
  // issued before tokens had one): logout accepts those.
  Result<Claims, TokenError> verify_signature_only(std::string_view token) const;

  // The URL access tokens are for: this server's public /mcp URL. Set once the server knows
  // its address (before it serves requests); empty until then.
  void set_audience(std::string audience);
  std::string audience() const;

  std::chrono::seconds access_ttl() const { return access_ttl_; }
  std::chrono::seconds refresh_ttl() const { return refresh_ttl_; }
  // The clock's wall time in whole Unix seconds, as used for iat and exp.
  std::int64_t now_seconds() const;

 private:
  // strict: exp is checked, and an access token must carry aud (when an audience is set).
  Result<Claims, TokenError> decode(std::string_view token, bool strict) const;

  std::string key_;
  const Clock& clock_;
  std::chrono::seconds access_ttl_;
  std::chrono::seconds refresh_ttl_;
  mutable std::mutex audience_mutex_;
  std::string audience_;
};

}  // namespace bmcp::auth
