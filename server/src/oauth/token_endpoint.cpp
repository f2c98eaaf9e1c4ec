// The token endpoint (authorization_code and refresh_token grants) and revocation of
// AuthorizationServer.
#include <spdlog/spdlog.h>

#include <algorithm>
#include <boost/json/object.hpp>

#include "core/web_text.hpp"
#include "oauth/authorization_server.hpp"
#include "oauth/client_id_document.hpp"
#include "oauth/replies.hpp"
#include "oauth/scopes.hpp"
#include "oauth/secrets.hpp"

namespace bmcp::oauth {

namespace {

constexpr std::size_t kSecretBytes = 32;

}  // namespace

WebReply AuthorizationServer::token(const WebRequest& request) {
  if (!is_form(request.content_type)) {
    return oauth_error("invalid_request", "the body must be application/x-www-form-urlencoded");
  }
  const auto fields = parse_form(request.body);
  if (!fields) {
    return oauth_error("invalid_request",
                       "the body cannot be read (a broken escape or a parameter given twice)");
  }
  try {
    const auto grant_type = field(*fields, "grant_type");
    if (grant_type == "authorization_code")
      return code_grant(*fields);
    if (grant_type == "refresh_token")
      return refresh_grant(*fields);
    if (grant_type.empty())
      return oauth_error("invalid_request", "grant_type is required");
    return oauth_error("unsupported_grant_type",
                       "grant_type must be authorization_code or refresh_token");
  } catch (const auth::StoreUnavailable&) {
    return store_unavailable();
  }
}

WebReply AuthorizationServer::code_grant(const FormFields& fields) {
  for (const auto name : {"code", "redirect_uri", "client_id", "code_verifier"}) {
    if (field(fields, name).empty())
      return oauth_error("invalid_request", std::string(name) + " is required");
  }
  const auto client_id = field(fields, "client_id");
  // A built-in client never holds tokens: its codes are redeemed in-process only.
  if (first_party_client(client_id)) {
    return oauth_error("invalid_client",
                       "this built-in client's codes are not redeemed at the token endpoint", 401);
  }
  // A client_id URL was checked against its document at /authorize; the code is bound to it.
  const bool known = is_url_client_id(client_id) ? documents_ != nullptr
                                                 : store_.find_client(client_id).has_value();
  if (!known)
    return oauth_error("invalid_client", "no client is registered with this client_id", 401);
  auto taken = take_checked_code(client_id, field(fields, "code"), field(fields, "redirect_uri"),
                                 field(fields, "code_verifier"));
  if (!taken) {
    const auto& refusal = taken.error();
    return oauth_error(
        refusal.kind == CodeRefusal::Kind::kInvalidRequest ? "invalid_request" : "invalid_grant",
        refusal.description);
  }
  const auto& [code, user] = *taken;
  if (const auto resource = field(fields, "resource"); !resource.empty() &&
                                                       resource != code.grant.resource &&
                                                       resource != code.grant.resource + "/") {
    return oauth_error("invalid_target", "resource is not the one the code was issued for");
  }
  if (auto added = store_.add_family(code.grant, now()); !added)
    throw auth::StoreError(added.error().message);
  return issue_tokens(code.grant, user, code.grant.scopes);
}

Result<std::pair<auth::AuthorizationCode, auth::UserRecord>, CodeRefusal>
AuthorizationServer::take_checked_code(std::string_view client_id, std::string_view code_text,
                                       std::string_view redirect_uri, std::string_view verifier) {
  using Kind = CodeRefusal::Kind;
  const auto refuse = [](Kind kind, std::string description) {
    return Unexpected{CodeRefusal{kind, std::move(description)}};
  };
  if (!valid_pkce_text(verifier)) {
    return refuse(Kind::kInvalidRequest,
                  "code_verifier must be 43 to 128 characters of A-Z a-z 0-9 - . _ ~");
  }
  const auto outcome = store_.take_code(secret_digest(code_text), now());
  if (outcome.use == auth::CodeUse::kReused) {
    // A code used twice may have leaked: the tokens issued for it die too (OAuth 2.1 4.1.3).
    store_.revoke_family(outcome.code->grant.family_id);
    return refuse(Kind::kInvalidGrant, "the authorization code was already used");
  }
  if (outcome.use != auth::CodeUse::kTaken)
    return refuse(Kind::kInvalidGrant, "the authorization code is invalid or expired");
  const auto& code = *outcome.code;
  if (code.grant.client_id != client_id)
    return refuse(Kind::kInvalidGrant, "the authorization code was issued to another client");
  if (code.redirect_uri != redirect_uri)
    return refuse(Kind::kInvalidGrant, "redirect_uri is not the one of the authorization request");
  if (!same_secret(s256_challenge(verifier), code.code_challenge))
    return refuse(Kind::kInvalidGrant, "the code_verifier does not match the code_challenge");
  auto user = users_.find(code.grant.username);
  if (!user || user->uid != code.grant.uid)
    return refuse(Kind::kAccountGone, "the account no longer exists");
  return std::pair{code, std::move(*user)};
}

Result<auth::UserRecord, CodeRefusal> AuthorizationServer::redeem_first_party_code(
    std::string_view client_id, std::string_view code, std::string_view redirect_uri,
    std::string_view code_verifier) {
  if (code.empty() || redirect_uri.empty() || code_verifier.empty())
    return Unexpected{CodeRefusal{CodeRefusal::Kind::kInvalidRequest,
                                  "code, redirect_uri and code_verifier are required"}};
  if (!first_party_client(client_id)) {
    return Unexpected{CodeRefusal{CodeRefusal::Kind::kInvalidClient,
                                  "no client is built in with this client_id"}};
  }
  auto taken = take_checked_code(client_id, code, redirect_uri, code_verifier);
  if (!taken)
    return Unexpected{std::move(taken.error())};
  return std::move(taken->second);
}

WebReply AuthorizationServer::refresh_grant(const FormFields& fields) {
  for (const auto name : {"refresh_token", "client_id"}) {
    if (field(fields, name).empty())
      return oauth_error("invalid_request", std::string(name) + " is required");
  }
  const auto digest = secret_digest(field(fields, "refresh_token"));
  const auto client_id = field(fields, "client_id");
  // The client is checked before the token is used, so another client cannot spend it.
  const auto family = store_.family_of(digest);
  if (!family)
    return oauth_error("invalid_grant", "the refresh token is invalid, expired or revoked");
  if (family->client_id != client_id)
    return oauth_error("invalid_grant", "the refresh token was issued to another client");
  std::vector<std::string> scopes = family->scopes;
  if (const auto asked = field(fields, "scope"); !asked.empty()) {
    const auto requested = parse_scope(asked);
    if (!requested)
      return oauth_error("invalid_scope", "scope names a scope this server does not have");
    for (const auto& scope : *requested) {
      if (std::find(family->scopes.begin(), family->scopes.end(), scope) == family->scopes.end())
        return oauth_error("invalid_scope", "scope asks for more than was granted");
    }
    scopes = *requested;
  }
  if (const auto resource = field(fields, "resource");
      !resource.empty() && resource != family->resource && resource != family->resource + "/") {
    return oauth_error("invalid_target", "resource is not the one the grant was made for");
  }
  const auto outcome = store_.use_refresh(digest, now(), options_.refresh_grace.count());
  if (outcome.use == auth::RefreshUse::kReplayed) {
    spdlog::warn("oauth: refresh token of client {} reused after rotation; its grant is revoked",
                 family->client_id);
    return oauth_error("invalid_grant", "the refresh token was already used; the grant is revoked");
  }
  if (!outcome.grant)
    return oauth_error("invalid_grant", "the refresh token is invalid, expired or revoked");
  const auto user = users_.find(outcome.grant->username);
  if (!user || user->uid != outcome.grant->uid)
    return oauth_error("invalid_grant", "the account no longer exists");
  return issue_tokens(*outcome.grant, *user, scopes);
}

WebReply AuthorizationServer::issue_tokens(const auth::OAuthGrant& grant,
                                           const auth::UserRecord& user,
                                           const std::vector<std::string>& scopes) {
  auto refresh = "bmcp_rt_" + random_secret(kSecretBytes);
  if (auto added = store_.add_refresh(secret_digest(refresh), grant.family_id,
                                      now() + options_.refresh_ttl.count());
      !added) {
    throw auth::StoreError(added.error().message);
  }
  auth::UserRecord holder = user;
  holder.roles = roles_for_scopes(user.roles, scopes);
  const auth::ClientGrant client{grant.client_id, scopes};
  const auto access = auth_.tokens().issue_access(holder, &client);
  return json_reply(200, json::object{{"access_token", access.token},
                                      {"token_type", "Bearer"},
                                      {"expires_in", auth_.access_ttl().count()},
                                      {"refresh_token", refresh},
                                      {"scope", join_scopes(scopes)}});
}

WebReply AuthorizationServer::revoke(const WebRequest& request) {
  if (!is_form(request.content_type)) {
    return oauth_error("invalid_request", "the body must be application/x-www-form-urlencoded");
  }
  const auto fields = parse_form(request.body);
  if (!fields || field(*fields, "token").empty())
    return oauth_error("invalid_request", "token is required");
  if (field(*fields, "client_id").empty())
    return oauth_error("invalid_request", "client_id is required");
  try {
    // RFC 7009 section 2.2: 200 whether or not the token was known. Access tokens are
    // self-contained and live out their short lifetime; refresh tokens end their family.
    const auto family = store_.family_of(secret_digest(field(*fields, "token")));
    if (family && family->client_id == field(*fields, "client_id"))
      store_.revoke_family(family->family_id);
  } catch (const auth::StoreUnavailable&) {
    return store_unavailable();
  }
  return WebReply{200, {{"Cache-Control", "no-store"}}, ""};
}

}  // namespace bmcp::oauth
