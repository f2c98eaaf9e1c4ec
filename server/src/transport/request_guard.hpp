#pragma once

#include "http/origin_policy.hpp"
#include "http/router.hpp"

namespace bmcp::transport {

// The first check of every request: Origin (403 {"detail":"Origin not allowed"}) and, when
// bound to loopback, Host (403 {"detail":"Host not allowed"}). /health is exempt, and the OAuth
// metadata is exempt from the Origin check. Then CORS (transport/cors.hpp): a preflight on a
// CORS path is answered here, and an allowed Origin gets the CORS headers on the answer.
http::Handler guard_requests(const http::OriginPolicy& policy, const http::Router& router);

}  // namespace bmcp::transport
