#include "transport/request_guard.hpp"

#include "transport/health_endpoint.hpp"

namespace bmcp::transport {

http::Handler guard_requests(const http::OriginPolicy& policy, const http::Router& router) {
  return [&policy, &router](http::HttpRequest request,
                            std::shared_ptr<http::ResponseStream> response) {
    if (request.path != kHealthPath) {
      if (!policy.origin_allowed(request.headers.get("Origin"))) {
        response->respond(http::detail_response(403, "Origin not allowed"));
        return;
      }
      if (!policy.host_allowed(request.headers.get("Host"))) {
        response->respond(http::detail_response(403, "Host not allowed"));
        return;
      }
    }
    router.handle(std::move(request), std::move(response));
  };
}

}  // namespace bmcp::transport
