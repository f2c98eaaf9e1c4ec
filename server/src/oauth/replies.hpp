#pragma once

#include <string_view>

#include "core/json_text.hpp"
#include "oauth/authorization_server.hpp"

namespace bmcp::oauth {

// The JSON replies of the authorization server's endpoints.

// `cache` is the Cache-Control value: token responses must not be cached (RFC 6749 section
// 5.1, and then Pragma: no-cache too); the metadata may be.
WebReply json_reply(int status, const json::value& body, std::string_view cache = "no-store");

// RFC 6749 section 5.2: 400 (401 for invalid_client) with {error, error_description}.
WebReply oauth_error(std::string_view error, std::string_view description, int status = 400);

// 503 temporarily_unavailable with Retry-After: the store cannot be reached.
WebReply store_unavailable();

// Whether a Content-Type is application/x-www-form-urlencoded (parameters allowed).
bool is_form(std::string_view content_type);

}  // namespace bmcp::oauth
