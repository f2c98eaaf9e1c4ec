#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "auth/auth_counters.hpp"
#include "auth/external_tokens.hpp"
#include "auth/login_rate_limiter.hpp"
#include "auth/oauth_store.hpp"
#include "auth/password_hasher.hpp"
#include "auth/token_service.hpp"
#include "auth/user_store.hpp"
#include "auth/verified_token_cache.hpp"
#include "core/clock.hpp"
#include "core/result.hpp"

namespace bmcp::auth {

struct AuthConfig {
  std::string signing_key;
  std::chrono::seconds access_ttl{1800};        // ACCESS_TOKEN_EXPIRE_MINUTES x 60
  std::chrono::seconds refresh_ttl{7 * 86400};  // REFRESH_TOKEN_EXPIRE_DAYS x 86400
  // Verified access tokens remembered (VerifiedTokenCache); the oldest is evicted beyond it.
  std::size_t verified_token_cache_size = VerifiedTokenCache::kDefaultCapacity;
};

// The caller of a request with a valid access token.
struct Principal {
  std::string user_id;
  std::string username;
  std::vector<std::string> roles;
  std::vector<std::string> scopes;
  std::string uid{};  // the account's id (UserRecord::uid)
  // For a token issued to an OAuth client: the client and the scopes it was granted
  // (docs/authorization.md); empty for tokens from /auth/login.
  std::string client_id{};
  std::vector<std::string> granted_scopes{};

  bool has_role(std::string_view role) const;
};

// Why an auth request was refused; the HTTP layer maps `kind` to the status and sends
// {"detail": detail}. Every 401 also carries `WWW-Authenticate: Bearer`.
struct AuthFailure {
  enum class Kind {
    kBadRequest,    // 400
    kUnauthorized,  // 401
    kRateLimited,   // 429, with Retry-After: retry_after
    kUnavailable,   // 503, with Retry-After: retry_after (the user store cannot be reached)
  };
  Kind kind = Kind::kUnauthorized;
  std::string detail;
  std::chrono::seconds retry_after{0};
};

struct TokenPair {
  std::string access_token;
  std::string refresh_token;
  std::int64_t expires_in = 0;  // the access token's lifetime in seconds
};

struct LoginResult {
  TokenPair tokens;
  Principal user;
};

// The auth endpoints' logic (contract 2.1-2.4, 3.3-3.6), free of HTTP. Users are read from
// the store on every call, so CLI changes take effect on the next request.
// Blocking: login and bootstrap hash or verify passwords (tens of ms) and every call may
// touch the user store, so callers run them on a worker pool, never on an I/O thread.
// Errors: refusals come back as AuthFailure/Status; a store that cannot be reached now
// (StoreUnavailable) is the refusal kUnavailable "User store unavailable; try again shortly",
// and nothing was done; other store failures throw StoreError.
// Thread safety: every method may be called from any thread.
// What an account created for an external provider's user holds instead of a password hash:
// "external:" and the issuer. No password verifies against it.
std::string external_password_marker(std::string_view issuer);

class AuthService {
 public:
  // The store, hasher and clock must outlive the service. REQUIRES: config.signing_key is not
  // empty and both lifetimes are positive.
  // `grants`, when given, is where OAuth clients' grants are kept: a password that bootstrap
  // changes ends them too. It must outlive the service.
  AuthService(UserStore& store, const PasswordHasher& hasher, const Clock& clock, AuthConfig config,
              OAuthStore* grants = nullptr);

  // Exactly one Argon2id verification per attempt that is not rate limited; an unknown user
  // is verified against the dummy hash, so both failures take the same time.
  // 400 "username and password required" for an empty username or password;
  // 429 "Too many failed login attempts" (with retry_after) when rate limited;
  // 401 "Invalid credentials" for an unknown user or a wrong password.
  Result<LoginResult, AuthFailure> login(std::string_view username, std::string_view password,
                                         std::string_view remote_address);

  // login() without the tokens: the same rate limits, the same single verification, the same
  // refusals, counted and logged as a login; the user's record when the password is right. For
  // the sign-in forms (the OAuth login page, the console).
  Result<UserRecord, AuthFailure> check_password(std::string_view username,
                                                 std::string_view password,
                                                 std::string_view remote_address);

  // A sign-in that did not go through a password here (the console signed in through the
  // authorization server): counted and logged as a login of `username` with `outcome`.
  void count_login(std::string_view username, AuthOutcome outcome);

  // Rotates a refresh token into a new pair. 401 with, in this order: "Invalid token: ...",
  // "Token missing sub", "Invalid token: missing uid", "Not a refresh token", "Invalid refresh
  // token" (unknown, revoked, rotated, or its user removed), "User not found" (also when the
  // user now is another account, with another uid, than the token was issued to). Of concurrent
  // calls with one token, at most one succeeds. (A missing refresh_token field is the HTTP
  // layer's "Invalid refresh token".)
  Result<TokenPair, AuthFailure> refresh(std::string_view refresh_token);

  // A token whose signature verifies (expired or not, access or refresh) and whose sub and uid
  // name an account that exists revokes every refresh token of that account; any other token
  // changes nothing. Then "Logged out"; kUnavailable when the store could not be reached.
  Result<void, AuthFailure> logout(std::string_view token);

  // For /mcp and /auth/profile. 401 with "Invalid token: ...", "Token missing sub",
  // "Invalid token: missing uid", "Invalid token: wrong audience" or "Invalid token: missing
  // audience" (once the audience is set: TokenService::verify), "Not an access token" or
  // "User not found" (no user named sub, or one whose uid is not the token's: the account was
  // removed and the name used again). The principal is built from the token's claims. A token
  // seen before skips the signature check (VerifiedTokenCache), never the expiry check or the
  // user lookup, which run on every call.
  // When the store cannot be reached, a token seen before is still accepted (its account
  // existed at the last check) and any other is kUnavailable.
  Result<Principal, AuthFailure> authenticate_access(std::string_view token);

  // Start-up bootstrap (contract 3.6), in order: a non-empty admin password creates `admin` or
  // resets its password, roles ["admin","user"] and scopes ["*"]; otherwise, with no admin in
  // the store, kFailedPrecondition "ADMIN_PASSWORD is required: no admin user exists yet"
  // (the server exits 2); a non-empty demo password creates `demo` (["user"],
  // ["read","write"]) or resets its password. A password that actually changes revokes that
  // user's refresh tokens and OAuth grants, as `user passwd` does; restarting with the same
  // password does not.
  Status bootstrap(std::optional<std::string> admin_password,
                   std::optional<std::string> demo_password);

  // Deletes expired refresh-token records (start-up and daily); returns how many.
  int purge_expired();

  std::chrono::seconds access_ttl() const { return tokens_.access_ttl(); }
  // Addresses, accounts and pairs the login rate limiter holds failures of now (the console's
  // admin page).
  std::size_t login_limiter_keys() { return limiter_.tracked_keys(); }
  // How login, refresh, logout and access checks ended, for operators.
  const AuthCounters& counters() const { return counters_; }

  // The audience every access token is issued for and checked against (TokenService): the
  // public /mcp URL. Set before the server serves requests.
  void set_audience(std::string audience) { tokens_.set_audience(std::move(audience)); }
  // Access tokens of an external OpenID provider (docs/authorization.md): every token that is
  // not one of ours (its alg is not HS256) goes to `verifier`, and the account it names is
  // created on first sight, with no password, marked as the provider's
  // (external_password_marker); a local account of that name refuses the token. The account's
  // roles follow the token's: ["admin","user"] when it names the role admin, else ["user"].
  // Set before the server serves requests; the verifier must outlive the service.
  void set_external_tokens(ExternalTokenVerifier* verifier) { external_ = verifier; }
  // The token service, for the OAuth authorization server's access tokens.
  const TokenService& tokens() const { return tokens_; }

 private:
  // The calls above before they are counted.
  Result<LoginResult, AuthFailure> check_login(std::string_view username, std::string_view password,
                                               std::string_view remote_address);
  Result<UserRecord, AuthFailure> verify_password(std::string_view username,
                                                  std::string_view password,
                                                  std::string_view remote_address);
  Result<TokenPair, AuthFailure> check_refresh(std::string_view refresh_token);
  Result<void, AuthFailure> check_logout(std::string_view token);
  Result<Principal, AuthFailure> check_access(std::string_view token);
  Result<Principal, AuthFailure> check_external(std::string_view token);
  TokenPair issue_pair(const UserRecord& user);
  Status ensure_user(const std::string& username, const std::string& password,
                     const std::vector<std::string>& roles, const std::vector<std::string>& scopes,
                     bool reset_grants);

  UserStore& store_;
  OAuthStore* oauth_grants_;
  ExternalTokenVerifier* external_ = nullptr;
  const PasswordHasher& hasher_;
  TokenService tokens_;
  LoginRateLimiter limiter_;
  VerifiedTokenCache verified_;
  AuthCounters counters_;
};

}  // namespace bmcp::auth
