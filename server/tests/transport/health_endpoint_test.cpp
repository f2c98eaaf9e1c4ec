#include "transport/health_endpoint.hpp"

#include <gtest/gtest.h>

#include "../http/recording_response.hpp"

namespace bmcp::transport {
namespace {

std::shared_ptr<http::testing::RecordingResponse> get_health(http::Router& router) {
  http::HttpRequest request;
  request.method = "GET";
  request.path = "/health";
  auto response = std::make_shared<http::testing::RecordingResponse>();
  router.handle(std::move(request), response);
  return response;
}

TEST(HealthEndpoint, ReportsExactlyTheFourKeys) {
  http::Router router;
  add_health_route(router, "1.0.0", [] { return HealthCounts{1, 2, std::nullopt}; });
  auto response = get_health(router);
  EXPECT_EQ(response->full->status, 200);
  EXPECT_EQ(response->full->body,
            R"({"status":"healthy","buses":1,"clients":2,"version":"1.0.0"})");
}

TEST(HealthEndpoint, AMissingPartIs503NamingIt) {
  http::Router router;
  add_health_route(router, "1.0.0", [] {
    return HealthCounts{0, 0, "the shared store (Redis at x) is unreachable"};
  });
  auto response = get_health(router);
  EXPECT_EQ(response->full->status, 503);
  EXPECT_EQ(response->full->body,
            R"({"status":"unavailable","buses":0,"clients":0,"version":"1.0.0",)"
            R"("detail":"the shared store (Redis at x) is unreachable"})");
}

}  // namespace
}  // namespace bmcp::transport
