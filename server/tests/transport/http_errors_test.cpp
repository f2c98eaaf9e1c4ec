#include "transport/http_errors.hpp"

#include <gtest/gtest.h>

namespace bmcp::transport {
namespace {

TEST(Unauthorized, CarriesWwwAuthenticate) {
  auto response = unauthorized("Bearer token required");
  EXPECT_EQ(response.status, 401);
  EXPECT_EQ(response.headers.get("WWW-Authenticate"), "Bearer");
  EXPECT_EQ(response.body, R"({"detail":"Bearer token required"})");
}

TEST(AuthFailureResponse, RateLimitsCarryRetryAfterOfAtLeastOneSecond) {
  auth::AuthFailure failure{auth::AuthFailure::Kind::kRateLimited, "Too many failed login attempts",
                            std::chrono::seconds(0)};
  auto response = auth_failure_response(failure);
  EXPECT_EQ(response.status, 429);
  EXPECT_EQ(response.headers.get("Retry-After"), "1");
}

TEST(AuthFailureResponse, AnUnreachableUserStoreIs503WithRetryAfterAndNoChallenge) {
  auth::AuthFailure failure{auth::AuthFailure::Kind::kUnavailable,
                            "User store unavailable; try again shortly", std::chrono::seconds(5)};
  auto response = auth_failure_response(failure);
  EXPECT_EQ(response.status, 503);
  EXPECT_EQ(response.headers.get("Retry-After"), "5");
  EXPECT_FALSE(response.headers.get("WWW-Authenticate").has_value());
  EXPECT_EQ(response.body, R"({"detail":"User store unavailable; try again shortly"})");
}

TEST(AuthFailureResponse, BadRequestsAre400WithoutChallenge) {
  auto response = auth_failure_response({auth::AuthFailure::Kind::kBadRequest, "x", {}});
  EXPECT_EQ(response.status, 400);
  EXPECT_FALSE(response.headers.get("WWW-Authenticate").has_value());
}

TEST(JsonRpcErrorResponse, HasANullId) {
  auto response = jsonrpc_error_response(404, -32001, "Session not found");
  EXPECT_EQ(response.body,
            R"({"jsonrpc":"2.0","id":null,"error":{"code":-32001,"message":"Session not found"}})");
}

}  // namespace
}  // namespace bmcp::transport
