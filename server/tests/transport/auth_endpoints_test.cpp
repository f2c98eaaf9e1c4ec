#include "transport/auth_endpoints.hpp"

#include <gtest/gtest.h>

#include "endpoint_harness.hpp"

namespace bmcp::transport {
namespace {

using testing::body_of;
using testing::detail_of;
using testing::header_of;

// The auth endpoints on a real AuthService and blocking pool, driven with request objects
// through the router, without sockets.
class AuthEndpointsTest : public ::testing::Test {
 protected:
  AuthEndpointsTest() { endpoints_.add_routes(router_); }

  http::HttpResponse post(std::string path, std::string body, std::string bearer = {}) {
    auto request = testing::request("POST", std::move(path), std::move(body));
    request.headers.set("Content-Type", "application/json");
    if (!bearer.empty())
      request.headers.set("Authorization", "Bearer " + bearer);
    return testing::exchange(router_, std::move(request));
  }
  http::HttpResponse profile(const std::string& bearer) {
    auto request = testing::request("GET", "/auth/profile");
    if (!bearer.empty())
      request.headers.set("Authorization", "Bearer " + bearer);
    return testing::exchange(router_, std::move(request));
  }
  http::HttpResponse login(std::string_view user, std::string_view password) {
    return post("/auth/login",
                to_json_text(json::object{{"username", user}, {"password", password}}));
  }
  static std::string field(const http::HttpResponse& answer, std::string_view key) {
    const auto body = body_of(answer);
    const auto* value = find_string(body, key);
    return value ? std::string(*value) : std::string{};
  }

  testing::AuthFixture auth_;
  ThreadPool blocking_{2};
  http::TrustedProxies proxies_;
  AuthEndpoints endpoints_{auth_.service(), blocking_, proxies_};
  http::Router router_;
};

TEST_F(AuthEndpointsTest, LoginAnswersATokenPairAndTheUser) {
  const auto answer = login("ann", testing::AuthFixture::kPassword);
  ASSERT_EQ(answer.status, 200) << answer.body;
  const auto body = body_of(answer);
  EXPECT_FALSE(field(answer, "access_token").empty());
  EXPECT_FALSE(field(answer, "refresh_token").empty());
  EXPECT_EQ(field(answer, "token_type"), "bearer");
  EXPECT_EQ(body.at("expires_in").as_int64(), 1800);
  EXPECT_EQ(body.at("user").at("username").as_string(), "ann");
}

TEST_F(AuthEndpointsTest, LoginWithoutBothFieldsIsABadRequest) {
  for (const char* body :
       {"", "not json", "[]", R"({"username":"ann"})", R"({"username":"","password":"x"})",
        R"({"username":"ann","password":7})"}) {
    const auto answer = post("/auth/login", body);
    EXPECT_EQ(answer.status, 400) << body;
    EXPECT_EQ(detail_of(answer), "username and password required") << body;
  }
}

TEST_F(AuthEndpointsTest, WrongPasswordAndUnknownUserAreTheSameRefusal) {
  for (const auto& [user, password] : {std::pair{"ann", "wrong"}, std::pair{"nobody", "x"}}) {
    const auto answer = login(user, password);
    EXPECT_EQ(answer.status, 401) << user;
    EXPECT_EQ(detail_of(answer), "Invalid credentials");
    EXPECT_EQ(header_of(answer, "WWW-Authenticate"), "Bearer");
  }
}

TEST_F(AuthEndpointsTest, RepeatedFailedLoginsAreRateLimitedWithRetryAfter) {
  http::HttpResponse answer;
  for (int attempt = 0; attempt < 30 && answer.status != 429; ++attempt)
    answer = login("ann", "wrong");
  ASSERT_EQ(answer.status, 429);
  EXPECT_EQ(detail_of(answer), "Too many failed login attempts");
  EXPECT_FALSE(header_of(answer, "Retry-After").empty());
}

TEST_F(AuthEndpointsTest, RefreshRotatesThePairAndRefusesTheOldToken) {
  const auto first = login("ann", testing::AuthFixture::kPassword);
  const auto old_refresh = field(first, "refresh_token");
  const auto refreshed =
      post("/auth/refresh", to_json_text(json::object{{"refresh_token", old_refresh}}));
  ASSERT_EQ(refreshed.status, 200) << refreshed.body;
  EXPECT_NE(field(refreshed, "refresh_token"), old_refresh);
  EXPECT_EQ(profile(field(refreshed, "access_token")).status, 200);

  const auto again =
      post("/auth/refresh", to_json_text(json::object{{"refresh_token", old_refresh}}));
  EXPECT_EQ(again.status, 401);
  EXPECT_EQ(detail_of(again), "Invalid refresh token");
}

TEST_F(AuthEndpointsTest, RefreshErrorsNameWhatWasWrong) {
  const auto missing = post("/auth/refresh", "{}");
  EXPECT_EQ(missing.status, 401);
  EXPECT_EQ(detail_of(missing), "Invalid refresh token");
  EXPECT_EQ(header_of(missing, "WWW-Authenticate"), "Bearer");

  const auto garbage = post("/auth/refresh", R"({"refresh_token":"garbage"})");
  EXPECT_EQ(garbage.status, 401);
  EXPECT_EQ(detail_of(garbage).rfind("Invalid token", 0), 0u) << garbage.body;

  const auto access = auth_.access_token("ann");
  const auto wrong_kind =
      post("/auth/refresh", to_json_text(json::object{{"refresh_token", access}}));
  EXPECT_EQ(wrong_kind.status, 401);
  EXPECT_EQ(detail_of(wrong_kind), "Not a refresh token");
}

TEST_F(AuthEndpointsTest, LogoutNeedsABearerTokenAndRevokesRefreshTokens) {
  const auto without = post("/auth/logout", "");
  EXPECT_EQ(without.status, 401);
  EXPECT_EQ(detail_of(without), "Bearer token required");
  EXPECT_EQ(header_of(without, "WWW-Authenticate"), "Bearer");

  const auto first = login("ann", testing::AuthFixture::kPassword);
  const auto done = post("/auth/logout", "", field(first, "access_token"));
  EXPECT_EQ(done.status, 200);
  EXPECT_EQ(field(done, "message"), "Logged out");
  const auto refused =
      post("/auth/refresh",
           to_json_text(json::object{{"refresh_token", field(first, "refresh_token")}}));
  EXPECT_EQ(refused.status, 401);
  EXPECT_EQ(detail_of(refused), "Invalid refresh token");

  // A token that does not verify changes nothing and is still answered "Logged out".
  EXPECT_EQ(post("/auth/logout", "", "garbage").status, 200);
}

TEST_F(AuthEndpointsTest, ProfileNamesTheCallerOrRefuses) {
  const auto answer = profile(auth_.access_token("bob"));
  ASSERT_EQ(answer.status, 200);
  EXPECT_EQ(field(answer, "username"), "bob");
  EXPECT_EQ(body_of(answer).at("roles").as_array().size(), 1u);

  const auto without = profile("");
  EXPECT_EQ(without.status, 401);
  EXPECT_EQ(detail_of(without), "Bearer token required");
  const auto refresh_token = profile(auth_.refresh_token("bob"));
  EXPECT_EQ(refresh_token.status, 401);
  EXPECT_EQ(detail_of(refresh_token), "Not an access token");
}

TEST_F(AuthEndpointsTest, OtherMethodsAreNotAllowed) {
  const auto answer = testing::exchange(router_, testing::request("GET", "/auth/login"));
  EXPECT_EQ(answer.status, 405);
  EXPECT_EQ(header_of(answer, "Allow"), "POST");
}

}  // namespace
}  // namespace bmcp::transport
