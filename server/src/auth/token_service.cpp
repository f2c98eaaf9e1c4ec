#include "auth/token_service.hpp"

#include <algorithm>
#include <boost/json/array.hpp>
#include <boost/json/object.hpp>
#include <stdexcept>

#include "auth/jwt_codec.hpp"
#include "core/random.hpp"

namespace bmcp::auth {

namespace {

constexpr std::size_t kJtiBytes = 16;

boost::json::array to_array(const std::vector<std::string>& items) {
  boost::json::array array;
  for (const auto& item : items) {
    array.emplace_back(item);
  }
  return array;
}

// Claim readers: an absent claim leaves the default; a claim of the wrong type makes the
// token malformed (false).
bool read_string(const boost::json::object& claims, std::string_view name, std::string& out) {
  const auto* value = claims.if_contains(name);
  if (value == nullptr) {
    return true;
  }
  if (!value->is_string()) {
    return false;
  }
  out = value->get_string();
  return true;
}

bool read_integer(const boost::json::object& claims, std::string_view name, std::int64_t& out) {
  const auto* value = claims.if_contains(name);
  if (value == nullptr) {
    return true;
  }
  if (!value->is_int64()) {
    return false;
  }
  out = value->get_int64();
  return true;
}

bool read_strings(const boost::json::object& claims, std::string_view name,
                  std::vector<std::string>& out) {
  const auto* value = claims.if_contains(name);
  if (value == nullptr) {
    return true;
  }
  const auto* array = value->if_array();
  if (array == nullptr) {
    return false;
  }
  for (const auto& item : *array) {
    if (!item.is_string()) {
      return false;
    }
    out.emplace_back(item.get_string());
  }
  return true;
}

// `aud` is a string or an array of strings (RFC 7519 section 4.1.3).
bool read_audiences(const boost::json::object& claims, std::vector<std::string>& out) {
  const auto* value = claims.if_contains("aud");
  if (value != nullptr && value->is_string()) {
    out.emplace_back(value->get_string());
    return true;
  }
  return read_strings(claims, "aud", out);
}

// sub and uid are read separately: one of the wrong type is "missing", not malformed.
bool read_claims(const boost::json::object& object, Claims& claims) {
  return object.contains("exp") && read_integer(object, "exp", claims.exp) &&
         read_integer(object, "iat", claims.iat) &&
         read_string(object, "username", claims.username) &&
         read_string(object, "typ", claims.typ) && read_string(object, "jti", claims.jti) &&
         read_strings(object, "roles", claims.roles) &&
         read_strings(object, "scopes", claims.scopes) &&
         read_audiences(object, claims.audiences) &&
         read_string(object, "client_id", claims.client_id) &&
         read_string(object, "scope", claims.scope);
}

}  // namespace

TokenService::TokenService(std::string key, const Clock& clock, std::chrono::seconds access_ttl,
                           std::chrono::seconds refresh_ttl)
    : key_(std::move(key)), clock_(clock), access_ttl_(access_ttl), refresh_ttl_(refresh_ttl) {
  if (key_.empty()) {
    throw std::invalid_argument("TokenService: empty signing key");
  }
  if (access_ttl_.count() <= 0 || refresh_ttl_.count() <= 0) {
    throw std::invalid_argument("TokenService: token lifetimes must be positive");
  }
}

std::int64_t TokenService::now_seconds() const {
  return std::chrono::duration_cast<std::chrono::seconds>(clock_.wall_now().time_since_epoch())
      .count();
}

void TokenService::set_audience(std::string audience) {
  const std::lock_guard lock(audience_mutex_);
  audience_ = std::move(audience);
}

std::string TokenService::audience() const {
  const std::lock_guard lock(audience_mutex_);
  return audience_;
}

TokenService::Issued TokenService::issue_access(const UserRecord& user,
                                                const ClientGrant* client) const {
  Issued issued{{}, random_hex(kJtiBytes), now_seconds(), 0};
  issued.exp = issued.iat + access_ttl_.count();
  boost::json::object claims{{"sub", user.username},
                             {"uid", user.uid},
                             {"username", user.username},
                             {"roles", to_array(user.roles)},
                             {"scopes", to_array(user.scopes)},
                             {"iat", issued.iat},
                             {"exp", issued.exp},
                             {"jti", issued.jti},
                             {"typ", kAccessTokenType}};
  if (auto aud = audience(); !aud.empty())
    claims["aud"] = aud;
  if (client != nullptr) {
    std::string scope;
    for (const auto& item : client->scopes)
      scope += (scope.empty() ? "" : " ") + item;
    claims["client_id"] = client->client_id;
    claims["scope"] = scope;
  }
  issued.token = sign_hs256(claims, key_);
  return issued;
}

TokenService::Issued TokenService::issue_refresh(const UserRecord& user) const {
  Issued issued{{}, random_hex(kJtiBytes), now_seconds(), 0};
  issued.exp = issued.iat + refresh_ttl_.count();
  const boost::json::object claims{{"sub", user.username}, {"uid", user.uid},
                                   {"iat", issued.iat},    {"exp", issued.exp},
                                   {"jti", issued.jti},    {"typ", kRefreshTokenType}};
  issued.token = sign_hs256(claims, key_);
  return issued;
}

Result<Claims, TokenError> TokenService::verify(std::string_view token) const {
  return decode(token, /*strict=*/true);
}

Result<Claims, TokenError> TokenService::verify_signature_only(std::string_view token) const {
  return decode(token, /*strict=*/false);
}

Result<Claims, TokenError> TokenService::decode(std::string_view token, bool strict) const {
  auto object = decode_hs256(token, key_);
  if (!object) {
    return Unexpected{object.error()};
  }
  Claims claims;
  if (!read_claims(*object, claims)) {
    return Unexpected{TokenError::kMalformed};
  }
  if (strict && claims.exp <= now_seconds()) {
    return Unexpected{TokenError::kExpired};
  }
  const auto* sub = object->if_contains("sub");
  if (sub == nullptr || !sub->is_string() || sub->get_string().empty()) {
    return Unexpected{TokenError::kMissingSub};
  }
  claims.sub = sub->get_string();
  // Tokens from before accounts had ids (and forged ones) cannot be tied to one account.
  const auto* uid = object->if_contains("uid");
  if (uid == nullptr || !uid->is_string() || uid->get_string().empty()) {
    return Unexpected{TokenError::kMissingUid};
  }
  claims.uid = uid->get_string();
  // Without an audience (before the server knows its URL) there is nothing to compare with.
  if (const auto expected = audience(); !expected.empty()) {
    if (strict && claims.audiences.empty() && claims.typ == kAccessTokenType) {
      return Unexpected{TokenError::kMissingAudience};
    }
    if (!claims.audiences.empty() && std::find(claims.audiences.begin(), claims.audiences.end(),
                                               expected) == claims.audiences.end()) {
      return Unexpected{TokenError::kWrongAudience};
    }
  }
  return claims;
}

}  // namespace bmcp::auth
