#pragma once

#include <memory>
#include <string_view>

#include "http/response_stream.hpp"

namespace bmcp::transport {

// CORS for browser-based MCP hosts (the Inspector): on the OAuth metadata, /token, /register,
// /revoke and /mcp only, and only for origins the origin guard lets through (the metadata:
// every origin, as they are public documents). No credentials (cookies) are ever allowed
// cross-origin; bearer tokens travel in the Authorization header, which the preflight allows.
// WWW-Authenticate and Mcp-Session-Id are exposed so a host can read them.

bool is_cors_path(std::string_view path);
// The answer to a preflight (OPTIONS with Access-Control-Request-Method) from `origin`.
http::HttpResponse preflight_response(std::string_view origin, std::string_view path);
// `response`, adding the CORS headers for `origin` to whatever it answers.
std::shared_ptr<http::ResponseStream> with_cors(std::shared_ptr<http::ResponseStream> response,
                                                std::string_view origin, std::string_view path);

}  // namespace bmcp::transport
