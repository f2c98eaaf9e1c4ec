#pragma once

#include <functional>
#include <string_view>

#include "auth/auth_service.hpp"
#include "core/result.hpp"
#include "http/router.hpp"
#include "metrics/registry.hpp"

namespace bmcp::transport {

inline constexpr const char* kMetricsPath = "/metrics";

// Checks an access token (AuthService::authenticate_access in the server).
using AccessCheck =
    std::function<Result<auth::Principal, auth::AuthFailure>(std::string_view token)>;

// GET /metrics on the main listener, for admins only: 401 (with WWW-Authenticate: Bearer)
// without a bearer token or with one that does not check, 403 for a user without the admin
// role, 503 when the user store cannot be reached; otherwise 200 with the registry's text.
// `registry` must outlive the router.
void add_admin_metrics_route(http::Router& router, const metrics::Registry& registry,
                             AccessCheck check_access);

// GET /metrics without authentication, for the separate metrics listener (--metrics-bind),
// whose address the operator chose to expose to the scraper only.
void add_open_metrics_route(http::Router& router, const metrics::Registry& registry);

}  // namespace bmcp::transport
