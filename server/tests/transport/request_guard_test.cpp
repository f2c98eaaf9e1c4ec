#include "transport/request_guard.hpp"

#include <gtest/gtest.h>

#include "../http/recording_response.hpp"

namespace bmcp::transport {
namespace {

class RequestGuardTest : public ::testing::Test {
 protected:
  RequestGuardTest() {
    for (const char* path : {"/mcp", "/health"}) {
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
