#include "stdio/local_server.hpp"

#include <gtest/gtest.h>

#include "captured_output.hpp"
#include "jsonrpc/codes.hpp"
#include "mcp/tool_result.hpp"

namespace bmcp::stdio {
namespace {

jsonrpc::Message message(std::string_view text) {
  return *jsonrpc::parse_message(text);
}

class LocalServerTest : public ::testing::Test {
 protected:
  LocalServerTest() {
    registry_.add_tool(
        mcp::Tool{"hello", "Says hello to the caller.",
                  json::object{{"type", "object"}, {"properties", json::object{}}}, std::nullopt,
                  [this](const std::shared_ptr<mcp::RequestContext>& ctx, const json::object&) {
                    ctx->progress(0.5, 1.0, "half");
                    seen_caller_ = ctx->caller().user_id;
                    ctx->respond(mcp::text_tool_result("hello"));
                  }});
    registry_.add_tool(mcp::Tool{"later", "Answers when the test says so.",
                                 json::object{{"type", "object"}, {"properties", json::object{}}},
                                 std::nullopt,
                                 [this](const std::shared_ptr<mcp::RequestContext>& ctx,
                                        const json::object&) { pending_ = ctx; }});
  }

  mcp::EngineOptions options() {
    mcp::EngineOptions o;
    o.offer_resources = false;
    o.offer_completions = false;
    return o;
  }

  json::value last() { return output_.messages().back(); }

  FakeClock clock_;
  mcp::Registry registry_;
  mcp::Engine engine_{registry_, options()};
  testing::CapturedOutput output_;
  LocalServer server_{engine_, output_.writer(), clock_, mcp::Caller{"local", "local", {}, {}}};
  std::string seen_caller_;
  std::shared_ptr<mcp::RequestContext> pending_;
};

TEST_F(LocalServerTest, InitializeAnswersWithTheNegotiatedVersionAndTheCapabilities) {
  server_.handle(message(
      R"({"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"2025-06-18"}})"));
  const auto reply = last();
  EXPECT_EQ(reply.at("id"), 1);
  EXPECT_EQ(reply.at("result").at("protocolVersion"), "2025-06-18");
  EXPECT_FALSE(reply.at("result").at("capabilities").as_object().contains("resources"));
  EXPECT_TRUE(server_.initialized());
}

TEST_F(LocalServerTest, RequestsBeforeInitializeAreRefusedExceptPing) {
  server_.handle(message(R"({"jsonrpc":"2.0","id":1,"method":"tools/list"})"));
  EXPECT_EQ(last().at("error").at("code"), jsonrpc::kInvalidRequest);
  server_.handle(message(R"({"jsonrpc":"2.0","id":2,"method":"ping"})"));
  EXPECT_EQ(last().at("result"), json::object{});
  EXPECT_FALSE(server_.initialized());
}

TEST_F(LocalServerTest, ASecondInitializeIsRefused) {
  server_.handle(message(R"({"jsonrpc":"2.0","id":1,"method":"initialize","params":{}})"));
  server_.handle(message(R"({"jsonrpc":"2.0","id":2,"method":"initialize","params":{}})"));
  EXPECT_EQ(last().at("id"), 2);
  EXPECT_EQ(last().at("error").at("code"), jsonrpc::kInvalidRequest);
}

TEST_F(LocalServerTest, AToolCallWritesItsProgressAndThenItsResultAsTheLocalCaller) {
  server_.handle(message(R"({"jsonrpc":"2.0","id":1,"method":"initialize","params":{}})"));
  server_.handle(message(
      R"({"jsonrpc":"2.0","id":"c1","method":"tools/call","params":{"name":"hello","arguments":{},"_meta":{"progressToken":"t"}}})"));
  const auto messages = output_.messages();
  ASSERT_EQ(messages.size(), 3u);
  EXPECT_EQ(messages[1].at("method"), "notifications/progress");
  EXPECT_EQ(messages[1].at("params").at("progressToken"), "t");
  EXPECT_EQ(messages[2].at("id"), "c1");
  EXPECT_EQ(messages[2].at("result").at("content").at(0).at("text"), "hello");
  EXPECT_EQ(seen_caller_, "local");
}

TEST_F(LocalServerTest, ResourcesAreNotOffered) {
  server_.handle(message(R"({"jsonrpc":"2.0","id":1,"method":"initialize","params":{}})"));
  server_.handle(message(R"({"jsonrpc":"2.0","id":2,"method":"resources/list"})"));
  EXPECT_EQ(last().at("error").at("code"), jsonrpc::kMethodNotFound);
}

TEST_F(LocalServerTest, ACancelledRequestIsNeverAnsweredAndNoLongerInFlight) {
  server_.handle(message(R"({"jsonrpc":"2.0","id":1,"method":"initialize","params":{}})"));
  server_.handle(message(
      R"({"jsonrpc":"2.0","id":7,"method":"tools/call","params":{"name":"later","arguments":{}}})"));
  EXPECT_FALSE(server_.wait_idle(std::chrono::milliseconds(0)));
  server_.handle(
      message(R"({"jsonrpc":"2.0","method":"notifications/cancelled","params":{"requestId":7}})"));
  ASSERT_NE(pending_, nullptr);
  pending_->respond(mcp::text_tool_result("too late"));
  EXPECT_TRUE(server_.wait_idle(std::chrono::milliseconds(0)));
  EXPECT_EQ(output_.messages().size(), 1u);
}

TEST_F(LocalServerTest, WaitIdleSeesARequestAnsweredLater) {
  server_.handle(message(R"({"jsonrpc":"2.0","id":1,"method":"initialize","params":{}})"));
  server_.handle(message(
      R"({"jsonrpc":"2.0","id":8,"method":"tools/call","params":{"name":"later","arguments":{}}})"));
  pending_->respond(mcp::text_tool_result("done"));
  EXPECT_TRUE(server_.wait_idle(std::chrono::milliseconds(0)));
  EXPECT_EQ(last().at("id"), 8);
}

}  // namespace
}  // namespace bmcp::stdio
