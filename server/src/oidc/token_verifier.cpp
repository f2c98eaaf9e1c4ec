#include "oidc/token_verifier.hpp"

#include <cmath>
#include <vector>

#include "auth/user_record.hpp"
#include "oidc/compact_jws.hpp"

namespace bmcp::oidc {
namespace {

using Verified = Result<auth::ExternalIdentity, std::string>;

Unexpected<std::string> invalid(std::string what) {
  return Unexpected{"Invalid token: " + std::move(what)};
}

// A NumericDate claim (whole or fractional seconds); nullopt when absent or not a number.
std::optional<double> numeric_date(const json::object& claims, std::string_view name) {
  const auto* value = claims.if_contains(name);
  if (!value)
    return std::nullopt;
  if (value->is_int64())
    return static_cast<double>(value->as_int64());
  if (value->is_uint64())
    return static_cast<double>(value->as_uint64());
  if (value->is_double())
    return value->as_double();
  return std::nullopt;
}

bool names_audience(const json::object& claims, const std::string& audience) {
  const auto* aud = claims.if_contains("aud");
  if (!aud)
    return false;
  if (aud->is_string())
    return aud->as_string() == audience;
  if (!aud->is_array())
    return false;
  for (const auto& entry : aud->as_array()) {
    if (entry.is_string() && entry.as_string() == audience)
      return true;
  }
  return false;
}

// The value at a dotted path ("realm_access.roles"); a top-level claim whose name contains
// dots (a namespaced Auth0 claim such as "https://example.com/roles") is tried first.
const json::value* claim_at(const json::object& claims, std::string_view path) {
  if (const auto* whole = claims.if_contains(path))
    return whole;
  const json::object* object = &claims;
  while (true) {
    const auto dot = path.find('.');
    const auto* value = object->if_contains(path.substr(0, dot));
    if (!value || dot == std::string_view::npos)
      return value;
    if (!value->is_object())
      return nullptr;
    object = &value->as_object();
    path.remove_prefix(dot + 1);
  }
}

std::vector<std::string> role_names(const json::value* value) {
  std::vector<std::string> names;
  if (!value)
    return names;
  if (value->is_array()) {
    for (const auto& entry : value->as_array()) {
      if (entry.is_string())
        names.emplace_back(entry.as_string());
    }
  } else if (value->is_string()) {
    std::string_view text = value->as_string();
    while (!text.empty()) {
      const auto space = text.find(' ');
      if (space != 0)
        names.emplace_back(text.substr(0, space));
      if (space == std::string_view::npos)
        break;
      text.remove_prefix(space + 1);
    }
  }
  return names;
}

}  // namespace

std::string discovery_url(const std::string& issuer) {
  std::string base = issuer;
  if (!base.empty() && base.back() == '/')
    base.pop_back();
  return base + "/.well-known/openid-configuration";
}

TokenVerifier::TokenVerifier(ProviderSettings settings, FetchDocument fetch, const Clock& clock)
    : settings_(std::move(settings)), fetch_(std::move(fetch)), clock_(clock) {}

void TokenVerifier::set_audience(std::string audience) {
  std::lock_guard lock(mutex_);
  settings_.audience = std::move(audience);
}

Status TokenVerifier::refresh_keys() {
  std::lock_guard lock(mutex_);
  return refresh_locked();
}

Status TokenVerifier::refresh_locked() {
  last_fetch_ = clock_.steady_now();
  if (jwks_uri_.empty()) {
    const auto url = discovery_url(settings_.issuer);
    const auto document = fetch_(url);
    if (!document)
      return Unexpected{Error{ErrorCode::kIo, url + ": " + document.error()}};
    const auto value = parse_json(*document);
    if (!value || !value->is_object()) {
      return Unexpected{Error{ErrorCode::kIo, url + ": not a JSON object"}};
    }
    const auto* issuer = find_string(value->as_object(), "issuer");
    if (!issuer || *issuer != settings_.issuer) {
      return Unexpected{
          Error{ErrorCode::kIo, url + ": its issuer is not " + settings_.issuer + " (exactly)"}};
    }
    const auto* jwks_uri = find_string(value->as_object(), "jwks_uri");
    if (!jwks_uri || !jwks_uri->starts_with("https://")) {
      return Unexpected{Error{ErrorCode::kIo, url + ": no https jwks_uri"}};
    }
    jwks_uri_ = std::string(*jwks_uri);
  }
  const auto document = fetch_(jwks_uri_);
  if (!document)
    return Unexpected{Error{ErrorCode::kIo, jwks_uri_ + ": " + document.error()}};
  auto keys = KeySet::parse(*document);
  if (!keys)
    return Unexpected{Error{ErrorCode::kIo, jwks_uri_ + ": " + keys.error()}};
  keys_ = std::move(*keys);
  return {};
}

std::shared_ptr<const PublicKey> TokenVerifier::key_for(std::string_view kid) {
  std::lock_guard lock(mutex_);
  if (auto key = keys_.find(kid))
    return key;
  const auto now = clock_.steady_now();
  if (last_fetch_ && now - *last_fetch_ < settings_.refresh_interval)
    return nullptr;
  if (!refresh_locked())
    return nullptr;
  return keys_.find(kid);
}

Verified TokenVerifier::verify(std::string_view token) {
  const auto jws = parse_compact_jws(token);
  if (!jws)
    return invalid("malformed token");
  const auto* alg = find_string(jws->header, "alg");
  if (!alg || (*alg != "RS256" && *alg != "ES256"))
    return invalid("alg not allowed");
  if (jws->header.contains("crit"))
    return invalid("unsupported critical header");
  const auto* kid = find_string(jws->header, "kid");
  const auto key = key_for(kid ? std::string_view(*kid) : std::string_view());
  if (!key)
    return invalid("unknown signing key");
  if (key->alg() != *alg)
    return invalid("alg does not fit the key");
  if (!key->verify(jws->signing_input, jws->signature)) {
    return invalid("signature verification failed");
  }

  const auto& claims = jws->payload;
  std::string audience;
  {
    std::lock_guard lock(mutex_);
    audience = settings_.audience;
  }
  const auto* iss = find_string(claims, "iss");
  if (!iss || *iss != settings_.issuer)
    return invalid("wrong issuer");
  if (audience.empty() || !names_audience(claims, audience))
    return invalid("wrong audience");
  const double now = std::chrono::duration<double>(clock_.wall_now().time_since_epoch()).count();
  const double leeway = static_cast<double>(settings_.leeway.count());
  const auto exp = numeric_date(claims, "exp");
  if (!exp)
    return invalid("missing exp");
  if (*exp + leeway <= now)
    return invalid("token expired");
  if (claims.contains("nbf")) {
    const auto nbf = numeric_date(claims, "nbf");
    if (!nbf)
      return invalid("malformed nbf");
    if (*nbf - leeway > now)
      return invalid("token not yet valid");
  }

  const auto* user = find_string(claims, settings_.user_claim);
  if (!user || user->empty())
    return invalid("missing " + settings_.user_claim);
  if (!auth::is_valid_username(std::string_view(*user))) {
    return invalid("the " + settings_.user_claim + " claim is not a valid user name");
  }
  bool admin = false;
  if (!settings_.roles_claim.empty()) {
    for (const auto& role : role_names(claim_at(claims, settings_.roles_claim))) {
      admin = admin || role == auth::kAdminRole;
    }
  }
  return auth::ExternalIdentity{std::string(*user), admin};
}

}  // namespace bmcp::oidc
