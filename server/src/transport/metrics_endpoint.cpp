#include "transport/metrics_endpoint.hpp"

#include "transport/bearer_token.hpp"
#include "transport/http_errors.hpp"

namespace bmcp::transport {
namespace {

http::HttpResponse metrics_response(const metrics::Registry& registry) {
  http::HttpResponse response;
  response.status = 200;
  response.headers.set("Content-Type", std::string(metrics::kExpositionContentType));
  response.headers.set("Cache-Control", "no-store");
  response.body = registry.render();
  return response;
}

}  // namespace

void add_admin_metrics_route(http::Router& router, const metrics::Registry& registry,
                             AccessCheck check_access) {
  router.add(kMetricsPath, "GET",
             [&registry, check_access = std::move(check_access)](
                 const http::HttpRequest& request, std::shared_ptr<http::ResponseStream> response) {
               const auto token = bearer_token(request.headers);
               if (!token) {
                 response->respond(unauthorized("Bearer token required"));
                 return;
               }
               const auto principal = check_access(*token);
               if (!principal) {
                 response->respond(auth_failure_response(principal.error()));
                 return;
               }
               if (!principal->has_role("admin")) {
                 response->respond(http::detail_response(403, "Admin role required"));
                 return;
               }
               response->respond(metrics_response(registry));
             });
}

void add_open_metrics_route(http::Router& router, const metrics::Registry& registry) {
  router.add(kMetricsPath, "GET",
             [&registry](const http::HttpRequest&, std::shared_ptr<http::ResponseStream> response) {
               response->respond(metrics_response(registry));
             });
}

}  // namespace bmcp::transport
