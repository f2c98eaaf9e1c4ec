#include "transport/health_endpoint.hpp"

#include <gtest/gtest.h>

#include "../http/recording_response.hpp"

namespace bmcp::transport {
namespace {

TEST(HealthEndpoint, ReportsExactlyTheFourKeys) {
  http::Router router;
  add_health_route(router, "1.0.0", [] { return HealthCounts{1, 2}; });
  http::HttpRequest request;
  request.method = "GET";
  request.path = "/health";
  auto response = std::make_shared<http::testing::RecordingResponse>();
  router.handle(std::move(request), response);
  EXPECT_EQ(response->full->body,
            R"({"status":"healthy","buses":1,"clients":2,"version":"1.0.0"})");
}

}  // namespace
}  // namespace bmcp::transport
