#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace bmcp::oauth {

// Redirect URIs of registered clients (RFC 6749 section 3.1.2, RFC 8252, OAuth 2.1).

// Why a redirect URI cannot be registered, or "" when it can: an absolute https URI; an http
// URI only on a loopback host (127.0.0.1, [::1], localhost); or a private-use scheme with a
// dot in it (com.example.app:/callback) for native apps. Never a fragment, user information,
// whitespace or control characters; at most 2048 characters.
std::string redirect_uri_problem(std::string_view uri);

// Whether a redirect URI sent to /authorize is one the client registered: the same text, or,
// for an http loopback URI, the same text but for the port (RFC 8252 section 7.3: native apps
// listen on whatever port they get).
bool redirect_uri_matches(std::string_view requested, const std::vector<std::string>& registered);

}  // namespace bmcp::oauth
