#pragma once

#include <chrono>
#include <cstdint>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "auth/auth_service.hpp"
#include "auth/oauth_store.hpp"
#include "auth/user_store.hpp"
#include "core/clock.hpp"
#include "core/result.hpp"
#include "core/web_text.hpp"
#include "oauth/browser_session.hpp"
#include "oauth/client_documents.hpp"
#include "oauth/client_registration.hpp"
#include "oauth/public_url.hpp"

namespace bmcp::oauth {

// One HTTP exchange as the OAuth endpoints see it; the transport layer fills it in.
struct WebRequest {
  std::string method;  // GET or POST
  std::string query;   // the target after '?'
  std::string body;
  std::string content_type;
  std::string cookies;         // the Cookie header
  std::string client_address;  // as the trusted-proxy rules give it
  std::string fetch_site;      // Sec-Fetch-Site, when a browser sent it
};

struct WebReply {
  int status = 200;
  std::vector<std::pair<std::string, std::string>> headers;  // Set-Cookie may repeat
  std::string body;
};

// A client built into this server (the web console): known by a fixed client_id, never
// stored and so never changed through registration; its only redirect URI is the public URL
// plus `redirect_path`. It signs people into this server's own pages: the consent page is
// skipped for it, and its codes are redeemed in-process (redeem_first_party_code), never at
// /token, so it never holds tokens.
struct FirstPartyClient {
  std::string client_id;
  std::string client_name;
  std::string redirect_path;  // starts with '/'
};

// Why a code was not redeemed.
struct CodeRefusal {
  enum class Kind {
    kInvalidRequest,  // a parameter is missing or malformed
    kInvalidClient,   // the client is not known (or not one that may redeem here)
    kInvalidGrant,    // unknown, expired, reused, another client's, wrong redirect or verifier
    kAccountGone,     // the account that approved it was removed (or replaced) since
  };
  Kind kind;
  std::string description;
};

struct AuthorizationServerOptions {
  std::chrono::seconds code_ttl{60};
  std::chrono::seconds refresh_ttl{7 * 86400};
  // How long after a refresh token was rotated it may be used once more (hosts that refresh
  // from several places at once); any later use revokes its family.
  std::chrono::seconds refresh_grace{10};
  std::chrono::seconds browser_session_ttl{12 * 3600};
  // Client registrations one client address may make per hour.
  std::int64_t registrations_per_hour = 20;
  // An external OpenID provider whose access tokens /mcp accepts too (--oidc-issuer), listed
  // after this server in the Protected Resource Metadata; "" for none.
  std::string external_issuer{};
  // The built-in clients (FirstPartyClient).
  std::vector<FirstPartyClient> first_party{};
};

// The OAuth 2.1 authorization server of the MCP authorization spec (docs/authorization.md):
// metadata (RFC 9728, RFC 8414), Dynamic Client Registration (RFC 7591), the authorization
// code flow with PKCE S256 and resource indicators (RFC 8707) behind a login and a consent page,
// the token endpoint (authorization_code and rotating refresh_token grants) and revocation
// (RFC 7009). Users, their passwords and the login rate limits are the AuthService's; access
// tokens are its JWTs with aud = the public /mcp URL and the granted scopes.
// Blocking: authorize (password hashing, fetching a client metadata document), token,
// register_client and revoke use the stores; run them on a worker pool. The metadata and
// www_authenticate() are cheap. Thread safety: every method may be called from any thread once
// set_base_url() was called.
class AuthorizationServer {
 public:
  // Everything passed must outlive the server. `signing_key` keys the browser cookies and
  // CSRF tokens (through keys derived for each). With `documents`, a client_id that is an
  // https URL names its client metadata document (client_id_document.hpp); without, such
  // client_ids are refused and the metadata says they are not supported.
  AuthorizationServer(auth::AuthService& auth, auth::UserStore& users, auth::OAuthStore& store,
                      const Clock& clock, std::string_view signing_key,
                      AuthorizationServerOptions options, ClientDocuments* documents = nullptr);

  // The public base URL (check_public_url, or bind_base_url); also sets the audience of every
  // access token AuthService issues and accepts. Called once before serving.
  void set_base_url(std::string_view base);
  ServerUrls urls() const;

  WebReply protected_resource_metadata() const;
  WebReply authorization_server_metadata() const;
  WebReply authorize(const WebRequest& request);
  WebReply token(const WebRequest& request);
  WebReply register_client(const WebRequest& request);
  WebReply revoke(const WebRequest& request);

  // The WWW-Authenticate value of a 401 from /mcp (RFC 9728 section 5.1): resource_metadata,
  // plus, when a token was sent and refused, error="invalid_token" and error_description =
  // `refusal` (why, e.g. "Invalid token: missing audience"; characters RFC 6750 section 3
  // does not allow there become spaces); else (refusal empty) the scope to ask for.
  std::string www_authenticate(std::string_view refusal) const;
  // The WWW-Authenticate value of a 403 for a missing scope (RFC 6750 section 3.1).
  std::string insufficient_scope(std::string_view scope) const;

  // Redeems a code issued to the built-in client `client_id` with the checks of the
  // authorization_code grant (one use, expiry, client, redirect_uri, PKCE S256, the account
  // still there), without issuing tokens: the account that approved it. A code of any other
  // client is refused (kInvalidClient) and not spent. Throws auth::StoreUnavailable when a
  // store cannot be reached.
  Result<auth::UserRecord, CodeRefusal> redeem_first_party_code(std::string_view client_id,
                                                                std::string_view code,
                                                                std::string_view redirect_uri,
                                                                std::string_view code_verifier);
  // The redirect URI of built-in client `client_id` under the current public URL, "" when no
  // such client is built in.
  std::string first_party_redirect_uri(std::string_view client_id) const;

  // Deletes expired codes and refresh tokens; returns how many rows went.
  int purge_expired();

 private:
  struct Checked;
  WebReply authorize_checked(const WebRequest& request, const Checked& checked);
  WebReply issue_tokens(const auth::OAuthGrant& grant, const auth::UserRecord& user,
                        const std::vector<std::string>& scopes);
  WebReply code_grant(const FormFields& fields);
  // The checks every code redemption makes once its client is known; spends the code.
  Result<std::pair<auth::AuthorizationCode, auth::UserRecord>, CodeRefusal> take_checked_code(
      std::string_view client_id, std::string_view code, std::string_view redirect_uri,
      std::string_view code_verifier);
  std::optional<auth::OAuthClient> first_party_client(std::string_view client_id) const;
  WebReply refresh_grant(const FormFields& fields);
  std::int64_t now() const;

  auth::AuthService& auth_;
  auth::UserStore& users_;
  auth::OAuthStore& store_;
  const Clock& clock_;
  const AuthorizationServerOptions options_;
  const BrowserSessions browser_;
  ClientDocuments* const documents_;
  mutable std::mutex urls_mutex_;
  ServerUrls urls_;
};

}  // namespace bmcp::oauth
