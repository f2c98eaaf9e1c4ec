#include "transport/mcp_endpoint.hpp"

#include <gtest/gtest.h>

#include "endpoint_harness.hpp"
#include "jsonrpc/codes.hpp"
#include "mcp/protocol_version.hpp"

namespace bmcp::transport {
namespace {

using testing::AnswerSink;
using testing::body_of;
using testing::detail_of;
using testing::header_of;

const std::string kInitialize =
    R"({"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"2025-06-18",)"
    R"("capabilities":{},"clientInfo":{"name":"t","version":"1"}}})";
const std::string kPing = R"({"jsonrpc":"2.0","id":2,"method":"ping"})";

// The MCP endpoint behind a real engine, session table and auth service, driven with request
// objects through the router, without sockets.
class McpEndpointTest : public ::testing::Test {
 protected:
  McpEndpointTest() { endpoint_.add_routes(router_); }

  http::HttpRequest mcp(std::string method, std::string body = {}, std::string user = "ann") {
    auto out = testing::request(std::move(method), "/mcp", std::move(body));
    out.headers.set("Authorization", "Bearer " + token(user));
    out.headers.set("Content-Type", "application/json");
    out.headers.set("Accept", "application/json, text/event-stream");
    return out;
  }

  // A new session of `user`; its id.
  std::string open_session(const std::string& user = "ann") {
    auto init = mcp("POST", kInitialize, user);
    init.headers.set("Accept", "application/json");
    const auto answer = testing::exchange(router_, std::move(init));
    EXPECT_EQ(answer.status, 200) << answer.body;
    return header_of(answer, "Mcp-Session-Id");
  }

  http::HttpRequest in_session(std::string method, const std::string& session,
                               std::string body = {}, std::string user = "ann") {
    auto out = mcp(std::move(method), std::move(body), std::move(user));
    out.headers.set("Mcp-Session-Id", session);
    out.headers.set("MCP-Protocol-Version", "2025-06-18");
    return out;
  }

  http::HttpResponse send(http::HttpRequest request) {
    return testing::exchange(router_, std::move(request));
  }

  static int error_code(const http::HttpResponse& answer) {
    const auto body = body_of(answer);
    const auto* error = body.if_contains("error");
    return error && error->is_object() ? static_cast<int>(error->at("code").as_int64()) : 0;
  }
  static std::string error_message(const http::HttpResponse& answer) {
    const auto body = body_of(answer);
    const auto* error = body.if_contains("error");
    return error && error->is_object() ? std::string(error->at("message").as_string())
                                       : std::string{};
  }

  std::string token(const std::string& user) {
    auto& cached = tokens_[user];
    if (cached.empty())
      cached = auth_.access_token(user);
    return cached;
  }

  testing::AuthFixture auth_;
  mcp::Registry registry_;
  mcp::Engine engine_{registry_, mcp::EngineOptions{}};
  mcp::SessionTable sessions_{auth_.clock(), mcp::SessionLimits{}};
  McpEndpoint endpoint_{engine_, sessions_, auth_.service()};
  http::Router router_;
  std::map<std::string, std::string> tokens_;
};

TEST_F(McpEndpointTest, MissingTokenIsRefusedWithAPlainBearerChallenge) {
  for (const char* method : {"POST", "GET", "DELETE"}) {
    auto request = mcp(method, kPing);
    request.headers.set("Authorization", "");
    const auto answer = send(std::move(request));
    EXPECT_EQ(answer.status, 401) << method;
    EXPECT_EQ(detail_of(answer), "Bearer token required");
    EXPECT_EQ(header_of(answer, "WWW-Authenticate"), "Bearer");
  }
}

TEST_F(McpEndpointTest, RefusedTokenNamesWhyAndCarriesTheConfiguredChallenge) {
  std::vector<std::string> asked;
  endpoint_.set_challenges(McpEndpoint::Challenges{
      [&](std::string_view refusal) {
        asked.emplace_back(refusal);
        return std::string(refusal.empty() ? "Bearer realm" : "Bearer error=\"invalid_token\"");
      },
      {},
      {}});
  auto request = mcp("POST", kPing);
  request.headers.set("Authorization", "Bearer not-a-jwt");
  const auto answer = send(std::move(request));
  EXPECT_EQ(answer.status, 401);
  EXPECT_EQ(detail_of(answer).rfind("Invalid token", 0), 0u) << answer.body;
  EXPECT_EQ(header_of(answer, "WWW-Authenticate"), "Bearer error=\"invalid_token\"");

  auto bare = mcp("GET");
  bare.headers.set("Authorization", "Basic abc");
  EXPECT_EQ(header_of(send(std::move(bare)), "WWW-Authenticate"), "Bearer realm");
  // The challenge was given the refusal's detail, and "" when no bearer token was sent.
  EXPECT_EQ(asked, (std::vector<std::string>{detail_of(answer), ""}));
}

TEST_F(McpEndpointTest, ExpiredTokenIsRefused) {
  auto request = mcp("POST", kPing);
  auth_.clock().advance(std::chrono::seconds(1801));
  const auto answer = send(std::move(request));
  EXPECT_EQ(answer.status, 401);
  EXPECT_EQ(header_of(answer, "WWW-Authenticate"), "Bearer");
}

TEST_F(McpEndpointTest, InitializeCreatesASessionAndAnswersInJsonOrAsAnEvent) {
  const auto session = open_session();
  EXPECT_FALSE(session.empty());
  EXPECT_NE(sessions_.find(session, "ann"), nullptr);

  auto sink = std::make_shared<AnswerSink>();
  router_.handle(mcp("POST", kInitialize), sink);
  sink->wait();
  ASSERT_TRUE(sink->events_started());
  EXPECT_TRUE(sink->event_header("Mcp-Session-Id").has_value());
  ASSERT_EQ(sink->frames().size(), 1u);
  EXPECT_NE(sink->frames()[0].find(R"("protocolVersion":"2025-06-18")"), std::string::npos);
  EXPECT_TRUE(sink->ended());
}

TEST_F(McpEndpointTest, InitializeWithASessionHeaderIsABadRequest) {
  const auto session = open_session();
  const auto answer = send(in_session("POST", session, kInitialize));
  EXPECT_EQ(answer.status, 400);
  EXPECT_EQ(error_code(answer), jsonrpc::kInvalidRequest);
  EXPECT_EQ(error_message(answer), "Bad Request: initialize must not carry Mcp-Session-Id");
}

TEST_F(McpEndpointTest, RequestsWithoutASessionHeaderAreBadRequests) {
  for (const char* method : {"POST", "GET", "DELETE"}) {
    const auto answer = send(mcp(method, kPing));
    EXPECT_EQ(answer.status, 400) << method;
    EXPECT_EQ(error_code(answer), jsonrpc::kServerError);
    EXPECT_EQ(error_message(answer), "Bad Request: Mcp-Session-Id header is required");
  }
}

TEST_F(McpEndpointTest, UnknownMalformedAndOtherUsersSessionsAreNotFound) {
  const auto bobs = open_session("bob");
  for (const std::string id : {"no-such-session", "bad id\x01", bobs.c_str()}) {
    for (const char* method : {"POST", "GET", "DELETE"}) {
      const auto answer = send(in_session(method, id, kPing));
      EXPECT_EQ(answer.status, 404) << method << " " << id;
      EXPECT_EQ(error_code(answer), jsonrpc::kSessionNotFound);
      EXPECT_EQ(error_message(answer), "Session not found");
    }
  }
  EXPECT_NE(sessions_.find(bobs, "bob"), nullptr);  // ann's DELETE did not end bob's session
}

TEST_F(McpEndpointTest, UnsupportedProtocolVersionIsABadRequest) {
  const auto session = open_session();
  auto request = in_session("POST", session, kPing);
  request.headers.set("MCP-Protocol-Version", "1999-01-01");
  const auto answer = send(std::move(request));
  EXPECT_EQ(answer.status, 400);
  EXPECT_EQ(error_message(answer), "Bad Request: Unsupported protocol version: 1999-01-01");
}

TEST_F(McpEndpointTest, BodyThatIsNotJsonIsUnsupportedMediaType) {
  const auto session = open_session();
  auto request = in_session("POST", session, kPing);
  request.headers.set("Content-Type", "text/plain");
  const auto answer = send(std::move(request));
  EXPECT_EQ(answer.status, 415);
  EXPECT_EQ(detail_of(answer), "Content-Type must be application/json");
}

TEST_F(McpEndpointTest, ParseErrorsAndBadShapesAreJsonRpcErrors) {
  const auto session = open_session();
  const auto broken = send(in_session("POST", session, "{not json"));
  EXPECT_EQ(broken.status, 400);
  EXPECT_EQ(error_code(broken), jsonrpc::kParseError);
  const auto shapeless = send(in_session("POST", session, R"({"jsonrpc":"1.0","id":1})"));
  EXPECT_EQ(shapeless.status, 400);
  EXPECT_EQ(error_code(shapeless), jsonrpc::kInvalidRequest);
}

TEST_F(McpEndpointTest, RequestIsAnsweredInJsonOrAsAnEventStream) {
  const auto session = open_session();
  auto plain = in_session("POST", session, kPing);
  plain.headers.set("Accept", "application/json");
  const auto answer = send(std::move(plain));
  EXPECT_EQ(answer.status, 200);
  EXPECT_EQ(to_json_text(body_of(answer)), R"({"jsonrpc":"2.0","id":2,"result":{}})");

  auto sink = std::make_shared<AnswerSink>();
  router_.handle(in_session("POST", session, kPing), sink);
  sink->wait();
  ASSERT_TRUE(sink->events_started());
  ASSERT_EQ(sink->frames().size(), 1u);
  EXPECT_NE(sink->frames()[0].find(R"({"jsonrpc":"2.0","id":2,"result":{}})"), std::string::npos);
}

TEST_F(McpEndpointTest, NotificationsAndResponsesAreAccepted) {
  const auto session = open_session();
  const auto notified = send(
      in_session("POST", session, R"({"jsonrpc":"2.0","method":"notifications/initialized"})"));
  EXPECT_EQ(notified.status, 202);
  EXPECT_TRUE(notified.body.empty());
  const auto replied = send(in_session("POST", session, R"({"jsonrpc":"2.0","id":9,"result":{}})"));
  EXPECT_EQ(replied.status, 202);
}

TEST_F(McpEndpointTest, StandaloneStreamNeedsEventStreamAccept) {
  const auto session = open_session();
  auto request = in_session("GET", session);
  request.headers.set("Accept", "application/json");
  const auto answer = send(std::move(request));
  EXPECT_EQ(answer.status, 406);
  EXPECT_EQ(detail_of(answer), "Accept must include text/event-stream");
}

TEST_F(McpEndpointTest, StandaloneStreamOpensWatchedAndDetachesWhenTheClientLeaves) {
  const auto session_id = open_session();
  auto sink = std::make_shared<AnswerSink>();
  router_.handle(in_session("GET", session_id), sink);
  sink->wait();
  EXPECT_TRUE(sink->events_started());
  EXPECT_TRUE(sink->watched());
  EXPECT_EQ(sink->answers(), 0);
  auto session = sessions_.find(session_id, "ann");
  ASSERT_NE(session, nullptr);
  session->stream().publish(R"({"jsonrpc":"2.0","method":"notifications/message"})");
  EXPECT_EQ(sink->frames().size(), 1u);
  sink->close_now();
  session->stream().publish(R"({"jsonrpc":"2.0","method":"notifications/message"})");
  EXPECT_EQ(sink->frames().size(), 1u);
}

TEST_F(McpEndpointTest, DeleteEndsTheSession) {
  const auto session = open_session();
  EXPECT_EQ(send(in_session("DELETE", session)).status, 200);
  EXPECT_EQ(sessions_.find(session, "ann"), nullptr);
  EXPECT_EQ(send(in_session("POST", session, kPing)).status, 404);
}

TEST_F(McpEndpointTest, TrailingSlashPathIsTheSameEndpoint) {
  auto request = mcp("POST", kInitialize);
  request.path = request.target = "/mcp/";
  request.headers.set("Accept", "application/json");
  const auto answer = send(std::move(request));
  EXPECT_EQ(answer.status, 200);
  EXPECT_FALSE(header_of(answer, "Mcp-Session-Id").empty());
}

}  // namespace
}  // namespace bmcp::transport
