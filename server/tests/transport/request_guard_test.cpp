#include "transport/request_guard.hpp"

#include <gtest/gtest.h>

#include "../http/recording_response.hpp"

namespace bmcp::transport {
namespace {

class RequestGuardTest : public ::testing::Test {
 protected:
  RequestGuardTest() {
    for (const char* path : {"/mcp", "/health", "/.well-known/oauth-authorization-server"}) {
      router_.add(path, "GET", [](http::HttpRequest, auto response) {
        response->respond(http::detail_response(200, "ok"));
      });
    }
  }
  int status(const char* path, std::optional<std::string> origin,
             std::string host = "localhost:8000") {
    http::HttpRequest request;
    request.method = "GET";
    request.path = path;
    request.headers.set("Host", host);
    if (origin)
      request.headers.set("Origin", *origin);
    auto response = std::make_shared<http::testing::RecordingResponse>();
    handler_(std::move(request), response);
    return response->full->status;
  }
  http::Router router_;
  http::OriginPolicy policy_{{}, true};
  http::Handler handler_ = guard_requests(policy_, router_);
};

TEST_F(RequestGuardTest, ForeignOriginsAreRefusedBeforeRouting) {
  EXPECT_EQ(status("/mcp", "http://evil.example"), 403);
  EXPECT_EQ(status("/nowhere", "http://evil.example"), 403);
  EXPECT_EQ(status("/mcp", "http://localhost:3000"), 200);
  EXPECT_EQ(status("/mcp", std::nullopt), 200);
}

TEST_F(RequestGuardTest, ForeignHostsAreRefusedOnLoopback) {
  EXPECT_EQ(status("/mcp", std::nullopt, "evil.example"), 403);
}

TEST_F(RequestGuardTest, HealthIsExempt) {
  EXPECT_EQ(status("/health", "http://evil.example", "evil.example"), 200);
}

}  // namespace
}  // namespace bmcp::transport

namespace bmcp::transport {
namespace {

TEST_F(RequestGuardTest, TheOAuthMetadataIsReadableFromAnyOriginButNotAnyHost) {
  EXPECT_EQ(status("/.well-known/oauth-authorization-server", "https://inspector.example"), 200);
  EXPECT_EQ(status("/.well-known/oauth-authorization-server", std::nullopt, "evil.example"), 403);
}

TEST_F(RequestGuardTest, AllowedOriginsGetCorsAndPreflightsAreAnswered) {
  http::HttpRequest preflight;
  preflight.method = "OPTIONS";
  preflight.path = "/mcp";
  preflight.headers.set("Host", "localhost:8000");
  preflight.headers.set("Origin", "http://localhost:6274");
  preflight.headers.set("Access-Control-Request-Method", "POST");
  auto answer = std::make_shared<http::testing::RecordingResponse>();
  handler_(std::move(preflight), answer);
  EXPECT_EQ(answer->full->status, 204);
  http::HttpRequest request;
  request.method = "GET";
  request.path = "/mcp";
  request.headers.set("Host", "localhost:8000");
  request.headers.set("Origin", "http://localhost:6274");
  auto routed = std::make_shared<http::testing::RecordingResponse>();
  handler_(std::move(request), routed);
  EXPECT_EQ(routed->full->headers.get("Access-Control-Allow-Origin"), "http://localhost:6274");
}

}  // namespace
}  // namespace bmcp::transport
