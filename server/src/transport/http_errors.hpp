#pragma once

#include <string_view>

#include "auth/auth_service.hpp"
#include "http/types.hpp"

namespace bmcp::transport {

// 401 {"detail": detail} with `WWW-Authenticate: Bearer`, as every 401 must carry.
http::HttpResponse unauthorized(std::string_view detail);
// The HTTP form of an auth refusal (400, 401, or 429 and 503 with Retry-After).
http::HttpResponse auth_failure_response(const auth::AuthFailure& failure);
// A JSON-RPC error with id null as an HTTP error body (transport-level MCP errors).
http::HttpResponse jsonrpc_error_response(int status, int code, std::string_view message);

}  // namespace bmcp::transport
