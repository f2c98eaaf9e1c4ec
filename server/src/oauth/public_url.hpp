#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "core/result.hpp"

namespace bmcp::oauth {

// The URLs the authorization server and the protected resource are known by
// (docs/authorization.md), all derived from one base: the public URL (--public-url) or the
// bind address. `issuer` is the base itself, without a trailing slash.
struct ServerUrls {
  std::string issuer;                  // https://host[:port]
  std::string resource;                // issuer + /mcp: the audience of access tokens
  std::string resource_metadata;       // issuer + /.well-known/oauth-protected-resource/mcp
  std::string authorization_endpoint;  // issuer + /authorize
  std::string token_endpoint;          // issuer + /token
  std::string registration_endpoint;   // issuer + /register
  std::string revocation_endpoint;     // issuer + /revoke
  bool secure = false;                 // https: cookies get the Secure attribute
};

// Checks a public base URL: an absolute http or https URL of a host with an optional port and
// nothing else (no user info, no path but "/", no query, no fragment). The error names
// `source` (e.g. "--public-url") and says what is wrong. Returns the URL without a trailing "/".
Result<std::string, std::string> check_public_url(std::string_view source, std::string_view url);

// The base URL of a server bound to host:port (an IPv6 address in brackets; 0.0.0.0 and ::
// stay as they are: such a server should be given --public-url).
std::string bind_base_url(std::string_view host, std::uint16_t port);

// Every URL of a checked base.
ServerUrls server_urls(std::string_view base);

// scheme://host[:port] of an absolute URL, or "" when it has none (for CSP form-action).
std::string origin_of(std::string_view url);

}  // namespace bmcp::oauth
