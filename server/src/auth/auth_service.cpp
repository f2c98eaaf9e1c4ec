#include "auth/auth_service.hpp"

#include <spdlog/spdlog.h>

#include <algorithm>

#include "auth/token_error.hpp"
#include "core/log_fields.hpp"

namespace bmcp::auth {

namespace {

constexpr std::string_view kAdminUsername = "admin";
constexpr std::string_view kDemoUsername = "demo";
constexpr std::string_view kExternalMarkerPrefix = "external:";

AuthFailure unauthorized(std::string detail) {
  return AuthFailure{AuthFailure::Kind::kUnauthorized, std::move(detail), {}};
}

// How long a client is asked to wait when the user store cannot be reached.
constexpr std::chrono::seconds kUnavailableRetryAfter{5};

AuthFailure unavailable(const StoreUnavailable& error) {
  spdlog::warn("user store unavailable: {}", error.what());
  return AuthFailure{AuthFailure::Kind::kUnavailable, "User store unavailable; try again shortly",
                     kUnavailableRetryAfter};
}

Principal principal_of(const UserRecord& user) {
  return Principal{user.username, user.username, user.roles, user.scopes, user.uid};
}

// The outcome a refusal counts as. The details are the ones this file and token_error_detail
// write; one that is not listed here is an invalid token.
AuthOutcome outcome_of(const AuthFailure& failure) {
  switch (failure.kind) {
    case AuthFailure::Kind::kBadRequest:
      return AuthOutcome::kBadRequest;
    case AuthFailure::Kind::kRateLimited:
      return AuthOutcome::kRateLimited;
    case AuthFailure::Kind::kUnavailable:
      return AuthOutcome::kStoreUnavailable;
    case AuthFailure::Kind::kUnauthorized:
      break;
  }
  const std::string_view detail = failure.detail;
  if (detail == "Invalid credentials")
    return AuthOutcome::kInvalidCredentials;
  if (detail == token_error_detail(TokenError::kExpired))
    return AuthOutcome::kTokenExpired;
  if (detail == "Not an access token" || detail == "Not a refresh token")
    return AuthOutcome::kWrongTokenType;
  if (detail == "Invalid refresh token")
    return AuthOutcome::kInvalidRefreshToken;
  if (detail == "User not found")
    return AuthOutcome::kUserNotFound;
  return AuthOutcome::kInvalidToken;
}

// At most 128 bytes of `text`, cut at a UTF-8 character boundary: a username in a log line is
// for reading, and a client may send a long one.
std::string_view log_safe_prefix(std::string_view text) {
  constexpr std::size_t kMax = 128;
  if (text.size() <= kMax)
    return text;
  std::size_t end = kMax;
  while (end > 0 && (static_cast<unsigned char>(text[end]) & 0xC0) == 0x80)
    --end;
  return text.substr(0, end);
}

// Counts `result` under `action` and passes it on.
template <class T>
Result<T, AuthFailure> counted(AuthCounters& counters, AuthAction action,
                               Result<T, AuthFailure> result) {
  counters.count(action, result ? AuthOutcome::kSuccess : outcome_of(result.error()));
  return result;
}

// A login (POST /auth/login or a sign-in form): counted under login and logged.
template <class T>
Result<T, AuthFailure> counted_login(AuthCounters& counters, std::string_view username,
                                     Result<T, AuthFailure> result) {
  const AuthOutcome outcome = result ? AuthOutcome::kSuccess : outcome_of(result.error());
  counters.count(AuthAction::kLogin, outcome);
  log_with_fields(spdlog::level::info, "login",
                  {{"user", log_safe_prefix(username)}, {"status", outcome_word(outcome)}});
  return result;
}

// A space-separated scope list (RFC 6749 section 3.3) as its items.
std::vector<std::string> split_scope(std::string_view scope) {
  std::vector<std::string> items;
  while (!scope.empty()) {
    const auto space = scope.find(' ');
    if (space != 0)
      items.emplace_back(scope.substr(0, space));
    if (space == std::string_view::npos)
      break;
    scope.remove_prefix(space + 1);
  }
  return items;
}

void throw_unless_ok(const Status& status) {
  if (!status.ok()) {
    throw StoreError(status.error().message);
  }
}

}  // namespace

bool Principal::has_role(std::string_view role) const {
  return std::find(roles.begin(), roles.end(), role) != roles.end();
}

AuthService::AuthService(UserStore& store, const PasswordHasher& hasher, const Clock& clock,
                         AuthConfig config, OAuthStore* grants)
    : store_(store),
      oauth_grants_(grants),
      hasher_(hasher),
      tokens_(std::move(config.signing_key), clock, config.access_ttl, config.refresh_ttl),
      limiter_(clock),
      verified_(config.verified_token_cache_size) {}

Result<LoginResult, AuthFailure> AuthService::login(std::string_view username,
                                                    std::string_view password,
                                                    std::string_view remote_address) {
  return counted_login(counters_, username, check_login(username, password, remote_address));
}

Result<UserRecord, AuthFailure> AuthService::check_password(std::string_view username,
                                                            std::string_view password,
                                                            std::string_view remote_address) {
  return counted_login(counters_, username, verify_password(username, password, remote_address));
}

void AuthService::count_login(std::string_view username, AuthOutcome outcome) {
  counters_.count(AuthAction::kLogin, outcome);
  log_with_fields(spdlog::level::info, "login",
                  {{"user", log_safe_prefix(username)}, {"status", outcome_word(outcome)}});
}

Result<TokenPair, AuthFailure> AuthService::refresh(std::string_view refresh_token) {
  return counted(counters_, AuthAction::kRefresh, check_refresh(refresh_token));
}

Result<void, AuthFailure> AuthService::logout(std::string_view token) {
  return counted(counters_, AuthAction::kLogout, check_logout(token));
}

Result<Principal, AuthFailure> AuthService::authenticate_access(std::string_view token) {
  return counted(counters_, AuthAction::kAccess, check_access(token));
}

TokenPair AuthService::issue_pair(const UserRecord& user) {
  const auto access = tokens_.issue_access(user);
  auto refresh = tokens_.issue_refresh(user);
  // A 128-bit random jti never repeats in practice; a repeat would be a broken CSPRNG.
  throw_unless_ok(store_.record_refresh(refresh.jti, user.username, refresh.iat, refresh.exp));
  return TokenPair{access.token, std::move(refresh.token), tokens_.access_ttl().count()};
}

Result<UserRecord, AuthFailure> AuthService::verify_password(std::string_view username,
                                                             std::string_view password,
                                                             std::string_view remote_address) {
  if (username.empty() || password.empty()) {
    return Unexpected{
        AuthFailure{AuthFailure::Kind::kBadRequest, "username and password required", {}}};
  }
  if (const auto wait = limiter_.retry_after(remote_address, username)) {
    return Unexpected{
        AuthFailure{AuthFailure::Kind::kRateLimited, "Too many failed login attempts", *wait}};
  }
  try {
    auto user = store_.find(username);
    // An account of an external provider has no password; it costs what an unknown user does.
    const bool has_password = user && !user->password_hash.starts_with(kExternalMarkerPrefix);
    const std::string& hash = has_password ? user->password_hash : hasher_.dummy_hash();
    // Always exactly one verification, so an unknown user costs what a wrong password costs.
    const bool password_matches = hasher_.verify(hash, password);
    if (!has_password || !password_matches) {
      limiter_.record_failure(remote_address, username);
      return Unexpected{unauthorized("Invalid credentials")};
    }
    limiter_.record_success(remote_address, username);
    return std::move(*user);
  } catch (const StoreUnavailable& error) {
    return Unexpected{unavailable(error)};
  }
}

Result<LoginResult, AuthFailure> AuthService::check_login(std::string_view username,
                                                          std::string_view password,
                                                          std::string_view remote_address) {
  auto user = verify_password(username, password, remote_address);
  if (!user) {
    return Unexpected{user.error()};
  }
  try {
    return LoginResult{issue_pair(*user), principal_of(*user)};
  } catch (const StoreUnavailable& error) {
    return Unexpected{unavailable(error)};
  }
}

Result<TokenPair, AuthFailure> AuthService::check_refresh(std::string_view refresh_token) {
  const auto claims = tokens_.verify(refresh_token);
  if (!claims) {
    return Unexpected{unauthorized(token_error_detail(claims.error()))};
  }
  if (claims->typ != kRefreshTokenType) {
    return Unexpected{unauthorized("Not a refresh token")};
  }
  try {
    if (!store_.rotate_refresh(claims->jti, tokens_.now_seconds())) {
      return Unexpected{unauthorized("Invalid refresh token")};
    }
    // A user removed and created again under the same name is another account (another uid).
    const auto user = store_.find(claims->sub);
    if (!user || user->uid != claims->uid) {
      return Unexpected{unauthorized("User not found")};
    }
    return issue_pair(*user);
  } catch (const StoreUnavailable& error) {
    return Unexpected{unavailable(error)};
  }
}

Result<void, AuthFailure> AuthService::check_logout(std::string_view token) {
  // The token of a removed account must not revoke the tokens of a new one with its name.
  // find() rather than exists_with_uid(): it always reads the store, where the PostgreSQL
  // store's exists_with_uid() may answer from its cache, which can lag a removal on another
  // node by up to its ttl.
  if (const auto claims = tokens_.verify_signature_only(token)) {
    try {
      const auto user = store_.find(claims->sub);
      if (user && user->uid == claims->uid) {
        store_.revoke_refresh_tokens(claims->sub);
      }
    } catch (const StoreUnavailable& error) {
      return Unexpected{unavailable(error)};
    }
  }
  return {};
}

std::string external_password_marker(std::string_view issuer) {
  return std::string(kExternalMarkerPrefix) + std::string(issuer);
}

Result<Principal, AuthFailure> AuthService::check_external(std::string_view token) {
  auto identity = external_->verify(token);
  if (!identity) {
    return Unexpected{unauthorized(std::move(identity.error()))};
  }
  const std::string marker = external_password_marker(external_->issuer());
  const auto roles = identity->admin ? admin_roles() : default_user_roles();
  const auto scopes = identity->admin ? admin_scopes() : default_user_scopes();
  try {
    auto user = store_.find(identity->username);
    if (!user) {
      const Status added = store_.add(UserRecord{identity->username, marker, roles, scopes});
      // Another request may have created it in between; then it is read below.
      if (!added && added.error().code != ErrorCode::kAlreadyExists) {
        throw StoreError(added.error().message);
      }
      if (added) {
        spdlog::info("created user {} for {}", identity->username, external_->issuer());
      }
      user = store_.find(identity->username);
      if (!user) {
        return Unexpected{unauthorized("User not found")};
      }
    }
    if (user->password_hash != marker) {
      return Unexpected{unauthorized("Invalid token: the user name " + identity->username +
                                     " belongs to an account not created by this provider")};
    }
    if (user->roles != roles || user->scopes != scopes) {
      throw_unless_ok(store_.set_roles_and_scopes(user->username, roles, scopes));
      user->roles = roles;
      user->scopes = scopes;
    }
    return principal_of(*user);
  } catch (const StoreUnavailable& error) {
    return Unexpected{unavailable(error)};
  }
}

Result<Principal, AuthFailure> AuthService::check_access(std::string_view token) {
  // The cache stands only for the token-only checks (format, signature, claims); exp is
  // checked against the clock by lookup() on every hit, and the user below on every request.
  // Password changes and logout do not touch access tokens (contract 2.3: issued access tokens
  // stay valid until they expire), so the cache changes no outcome.
  auto claims = verified_.lookup(token, tokens_.now_seconds());
  const bool cached = claims.has_value();
  if (!cached) {
    auto verified = tokens_.verify(token);
    // Not one of ours (RS256, ES256, ...): the external provider's, when one is trusted.
    if (!verified && verified.error() == TokenError::kAlgNotAllowed && external_ != nullptr) {
      return check_external(token);
    }
    if (!verified) {
      return Unexpected{unauthorized(token_error_detail(verified.error()))};
    }
    if (verified->typ != kAccessTokenType) {
      return Unexpected{unauthorized("Not an access token")};
    }
    claims = std::move(*verified);
  }
  // Never cached here: the CLI may remove the user (and create another under its name) from
  // another process, or another node, at any time.
  bool account_exists = false;
  try {
    account_exists = store_.exists_with_uid(claims->sub, claims->uid);
  } catch (const StoreUnavailable& error) {
    if (!cached) {
      return Unexpected{unavailable(error)};
    }
    account_exists = true;  // verified before, when its account existed; checked again once
                            // the store is reachable
  }
  if (!account_exists) {
    if (cached) {
      verified_.erase(token);
    }
    return Unexpected{unauthorized("User not found")};
  }
  if (!cached) {
    verified_.insert(token, *claims);
  }
  Claims& c = *claims;
  std::string username = c.username.empty() ? c.sub : std::move(c.username);
  Principal principal{std::move(c.sub), std::move(username), std::move(c.roles),
                      std::move(c.scopes), std::move(c.uid)};
  principal.client_id = std::move(c.client_id);
  principal.granted_scopes = split_scope(c.scope);
  return principal;
}

Status AuthService::ensure_user(const std::string& username, const std::string& password,
                                const std::vector<std::string>& roles,
                                const std::vector<std::string>& scopes, bool reset_grants) {
  auto existing = store_.find(username);
  if (!existing) {
    Status added = store_.add(UserRecord{username, hasher_.hash(password), roles, scopes});
    // Another process may have created it in between; then it is updated below.
    if (added.ok() || added.error().code != ErrorCode::kAlreadyExists) {
      return added;
    }
    existing = store_.find(username);
    if (!existing) {
      return Unexpected{existing.error()};
    }
  }
  if (!hasher_.verify(existing->password_hash, password)) {
    if (auto set = store_.set_password(username, hasher_.hash(password)); !set) {
      return set;
    }
    store_.revoke_refresh_tokens(username);
    if (oauth_grants_ != nullptr)
      oauth_grants_->revoke_user(username);
  }
  if (reset_grants && (existing->roles != roles || existing->scopes != scopes)) {
    return store_.set_roles_and_scopes(username, roles, scopes);
  }
  return {};
}

Status AuthService::bootstrap(std::optional<std::string> admin_password,
                              std::optional<std::string> demo_password) {
  if (admin_password && !admin_password->empty()) {
    if (auto made = ensure_user(std::string(kAdminUsername), *admin_password, admin_roles(),
                                admin_scopes(), /*reset_grants=*/true);
        !made) {
      return made;
    }
  } else if (!store_.any_admin()) {
    return Unexpected{make_error(ErrorCode::kFailedPrecondition,
                                 "ADMIN_PASSWORD is required: no admin user exists yet")};
  }
  if (demo_password && !demo_password->empty()) {
    return ensure_user(std::string(kDemoUsername), *demo_password, default_user_roles(),
                       default_user_scopes(), /*reset_grants=*/false);
  }
  return {};
}

int AuthService::purge_expired() {
  return store_.purge_expired_refresh(tokens_.now_seconds());
}

}  // namespace bmcp::auth
