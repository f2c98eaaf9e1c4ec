#include "transport/health_endpoint.hpp"

namespace bmcp::transport {

void add_health_route(http::Router& router, std::string version,
                      std::function<HealthCounts()> counts) {
  router.add(kHealthPath, "GET",
             [version = std::move(version), counts = std::move(counts)](
                 http::HttpRequest, std::shared_ptr<http::ResponseStream> response) {
               const auto now = counts ? counts() : HealthCounts{};
               json::object body{{"status", now.problem ? "unavailable" : "healthy"},
                                 {"buses", now.buses},
                                 {"clients", now.clients},
                                 {"version", version}};
               if (now.problem)
                 body["detail"] = *now.problem;
               response->respond(http::json_response(now.problem ? 503 : 200, std::move(body)));
             });
}

}  // namespace bmcp::transport
