#pragma once

#include <chrono>
#include <string>
#include <string_view>

#include "auth/user_store.hpp"
#include "core/clock.hpp"
#include "core/result.hpp"
#include "oauth/authorization_server.hpp"
#include "oauth/secrets.hpp"

namespace bmcp::oauth {

// The client side of a built-in client (FirstPartyClient; the web console): it sends the
// browser to this server's /authorize with the authorization code flow and PKCE S256, and
// finishes at its redirect URI by redeeming the code in-process
// (AuthorizationServer::redeem_first_party_code), never over HTTP.
// The state and the code_verifier travel in one short-lived cookie, signed (a key derived from
// the server's signing key for this purpose alone), HttpOnly, SameSite=Lax (the callback is a
// top-level redirect back from /authorize), on the redirect URI's path only; the callback's
// state must equal the cookie's, and its iss this server's issuer (RFC 9207).
// Thread safety: immutable after construction; every method may be called from any thread.
class FirstPartyFlow {
 public:
  // Why a callback signed nobody in.
  enum class Failure {
    kBadState,     // no cookie, a forged or expired one, or a state or iss that does not match
    kDenied,       // the authorization server answered error=access_denied
    kRefused,      // it answered another error
    kInvalidCode,  // the code is missing, unknown, expired, already used, or not this flow's
    kAccountGone,  // the account was removed (or replaced) since it signed in
    kUnavailable,  // a store could not be reached
  };

  struct Start {
    std::string location;    // the /authorize URL to send the browser to
    std::string set_cookie;  // the flow's cookie
  };

  // `server`, `clock` must outlive the flow; `client` must be one of the server's built-in
  // clients. `cookie_name` names the flow's cookie; it lives `ttl`.
  FirstPartyFlow(AuthorizationServer& server, const Clock& clock, std::string client_id,
                 std::string_view signing_key, std::string cookie_name,
                 std::chrono::seconds ttl = std::chrono::minutes(10));

  // A new flow: a fresh state and code_verifier.
  Start start() const;
  // The account the callback's query (code, state, iss; or error) signs in, checked against
  // the flow's cookie in the request's Cookie header. Blocking (the stores).
  Result<auth::UserRecord, Failure> finish(std::string_view query, std::string_view cookies) const;
  // The Set-Cookie value that deletes the flow's cookie (send it with every callback reply: a
  // flow is finished once, whatever the outcome).
  std::string clear_cookie() const;

  const std::string& client_id() const { return client_id_; }

 private:
  std::string cookie(std::string_view value, std::int64_t max_age) const;
  std::string cookie_path() const;

  AuthorizationServer& server_;
  const Clock& clock_;
  const std::string client_id_;
  const Signer signer_;
  const std::string cookie_name_;
  const std::chrono::seconds ttl_;
};

// A word for each failure, for the page's message: bad_state, denied, refused, invalid_code,
// account_gone, unavailable.
std::string_view failure_word(FirstPartyFlow::Failure failure);

}  // namespace bmcp::oauth
