#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "core/json_text.hpp"
#include "core/result.hpp"

namespace bmcp::oauth {

// An OAuth error as RFC 6749 section 5.2 and RFC 7591 section 3.2.2 send it.
struct OAuthError {
  std::string error;  // e.g. invalid_redirect_uri, invalid_grant
  std::string description;
};

// The client metadata of an RFC 7591 registration request that this server keeps.
struct ClientMetadata {
  std::string client_name;
  std::vector<std::string> redirect_uris;
};

// Reads a registration request body. redirect_uris is required (1 to 10 URIs, each passing
// redirect_uri_problem); client_name is optional (at most 200 characters, no control
// characters); grant_types, when given, must include authorization_code and response_types code
// (the client is registered for authorization_code, refresh_token and code whatever else it
// asked for); token_endpoint_auth_method, when given, must be none, client_secret_post or
// client_secret_basic: every client is registered as public ("none", RFC 7591 section 3.2.1
// lets the server choose) and proves itself with PKCE. Errors are invalid_redirect_uri or
// invalid_client_metadata, naming the field.
Result<ClientMetadata, OAuthError> read_client_metadata(std::string_view body);

// The registration response (RFC 7591 section 3.2.1) of a registered client.
json::object registration_response(std::string_view client_id, std::int64_t issued_at,
                                   const ClientMetadata& metadata);

}  // namespace bmcp::oauth
