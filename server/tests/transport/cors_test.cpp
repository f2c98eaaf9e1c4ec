#include "transport/cors.hpp"

#include <gtest/gtest.h>

#include "../http/recording_response.hpp"

namespace bmcp::transport {
namespace {

TEST(CorsTest, OnlyTheOAuthAndMcpEndpointsAreCorsPaths) {
  for (const char* path :
       {"/mcp", "/mcp/", "/token", "/register", "/revoke",
        "/.well-known/oauth-authorization-server", "/.well-known/oauth-protected-resource/mcp"}) {
    EXPECT_TRUE(is_cors_path(path)) << path;
  }
  for (const char* path : {"/authorize", "/auth/login", "/health", "/"})
    EXPECT_FALSE(is_cors_path(path)) << path;
}

TEST(CorsTest, APreflightAllowsTheOriginTheMethodsAndTheMcpHeaders) {
  const auto mcp = preflight_response("http://localhost:6274", "/mcp");
  EXPECT_EQ(mcp.status, 204);
  EXPECT_EQ(mcp.headers.get("Access-Control-Allow-Origin"), "http://localhost:6274");
  EXPECT_EQ(mcp.headers.get("Access-Control-Allow-Methods"), "GET, POST, DELETE");
  EXPECT_NE(mcp.headers.get("Access-Control-Allow-Headers")->find("Mcp-Session-Id"),
            std::string::npos);
  EXPECT_EQ(mcp.headers.get("Access-Control-Allow-Credentials"), std::nullopt);
  const auto metadata =
      preflight_response("https://any.example", "/.well-known/oauth-authorization-server");
  EXPECT_EQ(metadata.headers.get("Access-Control-Allow-Origin"), "*");
  EXPECT_EQ(metadata.headers.get("Access-Control-Allow-Methods"), "GET");
}

TEST(CorsTest, AnswersAndEventStreamsGetTheHeadersAndExposeTheChallenge) {
  auto recorded = std::make_shared<http::testing::RecordingResponse>();
  auto wrapped = with_cors(recorded, "http://localhost:6274", "/mcp");
  wrapped->respond(http::detail_response(401, "no"));
  EXPECT_EQ(recorded->full->headers.get("Access-Control-Allow-Origin"), "http://localhost:6274");
  EXPECT_EQ(recorded->full->headers.get("Access-Control-Expose-Headers"),
            "WWW-Authenticate, Mcp-Session-Id");
  EXPECT_EQ(recorded->full->headers.get("Vary"), "Origin");
  auto streamed = std::make_shared<http::testing::RecordingResponse>();
  with_cors(streamed, "http://localhost:6274", "/mcp")->start_events({}, true);
  EXPECT_TRUE(streamed->events_started);
  EXPECT_EQ(streamed->event_headers.get("Access-Control-Allow-Origin"), "http://localhost:6274");
}

}  // namespace
}  // namespace bmcp::transport
