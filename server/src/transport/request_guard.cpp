#include "transport/request_guard.hpp"

#include "transport/cors.hpp"
#include "transport/health_endpoint.hpp"
#include "transport/oauth_endpoints.hpp"

namespace bmcp::transport {

http::Handler guard_requests(const http::OriginPolicy& policy, const http::Router& router) {
  return [&policy, &router](http::HttpRequest request,
                            std::shared_ptr<http::ResponseStream> response) {
    if (request.path != kHealthPath) {
      const auto origin = request.headers.get("Origin");
      // The OAuth metadata is public: any page may read it (the Host check still applies).
      if (!is_oauth_metadata_path(request.path) && !policy.origin_allowed(origin)) {
        response->respond(http::detail_response(403, "Origin not allowed"));
        return;
      }
      if (!policy.host_allowed(request.headers.get("Host"))) {
        response->respond(http::detail_response(403, "Host not allowed"));
        return;
      }
      if (origin && *origin != "null" && is_cors_path(request.path)) {
        if (request.method == "OPTIONS" && request.headers.get("Access-Control-Request-Method")) {
          response->respond(preflight_response(*origin, request.path));
          return;
        }
        response = with_cors(std::move(response), *origin, request.path);
      }
    }
    router.handle(std::move(request), std::move(response));
  };
}

}  // namespace bmcp::transport
