#include "transport/health_endpoint.hpp"

namespace bmcp::transport {

void add_health_route(http::Router& router, std::string version,
                      std::function<HealthCounts()> counts) {
  router.add(kHealthPath, "GET",
             [version = std::move(version), counts = std::move(counts)](
                 http::HttpRequest, std::shared_ptr<http::ResponseStream> response) {
               const auto now = counts ? counts() : HealthCounts{};
               response->respond(http::json_response(200, json::object{{"status", "healthy"},
                                                                       {"buses", now.buses},
                                                                       {"clients", now.clients},
                                                                       {"version", version}}));
             });
}

}  // namespace bmcp::transport
