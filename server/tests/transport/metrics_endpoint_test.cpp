#include "transport/metrics_endpoint.hpp"

#include <gtest/gtest.h>

#include "../http/recording_response.hpp"

namespace bmcp::transport {
namespace {

using auth::AuthFailure;
using auth::Principal;

// Tokens this fake check knows: "admin" and "user" pass with those roles; "down" is a store
// that cannot be reached; anything else is an invalid token.
Result<Principal, AuthFailure> check(std::string_view token) {
  if (token == "admin")
    return Principal{"admin", "admin", {"admin", "user"}, {"*"}, "u1"};
  if (token == "user")
    return Principal{"demo", "demo", {"user"}, {"read"}, "u2"};
  if (token == "down") {
    return Unexpected{AuthFailure{AuthFailure::Kind::kUnavailable, "User store unavailable",
                                  std::chrono::seconds(5)}};
  }
  return Unexpected{AuthFailure{AuthFailure::Kind::kUnauthorized, "Invalid token: malformed", {}}};
}

class MetricsEndpointTest : public ::testing::Test {
 protected:
  MetricsEndpointTest() {
    registry_.add([](metrics::ExpositionWriter& writer) {
      writer.single("x_total", metrics::MetricType::kCounter, "X.", 3);
    });
  }
  http::HttpResponse get(const http::Router& router, std::optional<std::string> authorization) {
    http::HttpRequest request;
    request.method = "GET";
    request.path = kMetricsPath;
    if (authorization)
      request.headers.set("Authorization", *authorization);
    auto response = std::make_shared<http::testing::RecordingResponse>();
    router.handle(std::move(request), response);
    EXPECT_TRUE(response->full);
    return response->full.value_or(http::HttpResponse{});
  }

  metrics::Registry registry_;
};

TEST_F(MetricsEndpointTest, AnAdminGetsTheTextFormat) {
  http::Router router;
  add_admin_metrics_route(router, registry_, check);
  const auto response = get(router, "Bearer admin");
  EXPECT_EQ(response.status, 200);
  EXPECT_EQ(response.headers.get("Content-Type"), "text/plain; version=0.0.4; charset=utf-8");
  EXPECT_EQ(response.body, "# HELP x_total X.\n# TYPE x_total counter\nx_total 3\n");
}

TEST_F(MetricsEndpointTest, NoTokenOrABadOneIs401WithTheBearerChallenge) {
  http::Router router;
  add_admin_metrics_route(router, registry_, check);
  for (const auto& authorization :
       {std::optional<std::string>{}, std::optional<std::string>{"Bearer nonsense"},
        std::optional<std::string>{"Basic YWRtaW46eA=="}}) {
    const auto response = get(router, authorization);
    EXPECT_EQ(response.status, 401);
    EXPECT_EQ(response.headers.get("WWW-Authenticate"), "Bearer");
    EXPECT_EQ(response.body.find("x_total"), std::string::npos);
  }
}

TEST_F(MetricsEndpointTest, AUserWithoutTheAdminRoleIs403) {
  http::Router router;
  add_admin_metrics_route(router, registry_, check);
  const auto response = get(router, "Bearer user");
  EXPECT_EQ(response.status, 403);
  EXPECT_EQ(response.body, R"({"detail":"Admin role required"})");
}

TEST_F(MetricsEndpointTest, AnUnreachableStoreIs503) {
  http::Router router;
  add_admin_metrics_route(router, registry_, check);
  EXPECT_EQ(get(router, "Bearer down").status, 503);
}

TEST_F(MetricsEndpointTest, TheOpenRouteNeedsNoToken) {
  http::Router router;
  add_open_metrics_route(router, registry_);
  const auto response = get(router, std::nullopt);
  EXPECT_EQ(response.status, 200);
  EXPECT_NE(response.body.find("x_total 3"), std::string::npos);
}

}  // namespace
}  // namespace bmcp::transport
