#pragma once

#include <chrono>
#include <string>

namespace bmcp::oidc {

// What the server trusts of one external OpenID provider (docs/authorization.md).
struct ProviderSettings {
  // The exact `iss` of its tokens and of its discovery document (an https URL).
  std::string issuer;
  // A token's `aud` must name it (a string or one of an array): the public /mcp URL unless
  // the operator names another (--oidc-audience).
  std::string audience;
  // The claim whose string value is the user name (--oidc-user-claim).
  std::string user_claim = "sub";
  // A dotted path to an array of role names, or a space-separated string of them
  // ("realm_access.roles" for Keycloak); "" for none: every such user has the role `user`.
  std::string roles_claim;
  // Clock difference tolerated on exp and nbf.
  std::chrono::seconds leeway{60};
  // The least time between two fetches of the key set (a token with an unknown kid fetches it
  // again, at most this often).
  std::chrono::seconds refresh_interval{5};
};

// The discovery document of an issuer: <issuer>/.well-known/openid-configuration (OpenID
// Connect Discovery 1.0 section 4), the issuer's trailing slash dropped first.
std::string discovery_url(const std::string& issuer);

}  // namespace bmcp::oidc
