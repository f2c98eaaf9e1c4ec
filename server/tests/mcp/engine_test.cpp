#include "mcp/engine.hpp"

#include <gtest/gtest.h>

#include "fake_channel.hpp"
#include "jsonrpc/codes.hpp"
#include "mcp/tool_result.hpp"

namespace bmcp::mcp {
namespace {

using testing::RecordingChannel;

class EngineTest : public ::testing::Test {
 protected:
  EngineTest() {
    registry_.add_tool(Tool{
        "echo", "Echoes its text.",
        parse_json(R"({"type":"object","properties":{"text":{"type":"string"}},
                                           "required":["text"]})")
            ->as_object(),
        std::nullopt, [](const std::shared_ptr<RequestContext>& ctx, const json::object& args) {
          ctx->respond(text_tool_result(args.at("text").as_string()));
        }});
    registry_.add_tool(
        Tool{"later", "Finishes when told to.",
             json::object{{"type", "object"}, {"properties", json::object{}}}, std::nullopt,
             [this](const std::shared_ptr<RequestContext>& ctx, const json::object&) {
               pending_ = ctx;
               ctx->on_cancel([this] { cancel_hook_ran_ = true; });
             }});
    registry_.add_tool(Tool{"throws", "Always throws.",
                            json::object{{"type", "object"}, {"properties", json::object{}}},
                            std::nullopt,
                            [](const auto&, const auto&) { throw std::runtime_error("bug"); }});
    registry_.add_resource(Resource{
        "test://a", "a", "A", "text/plain",
        [](const std::shared_ptr<RequestContext>& ctx, const std::string& uri, const auto&) {
          ctx->respond(
              json::object{{"contents", json::array{json::object{{"uri", uri}, {"text", "A"}}}}});
        }});
    registry_.add_resource_template(ResourceTemplate{
        "test://item/{id}", "item", "Item", "application/json",
        [](const std::shared_ptr<RequestContext>& ctx, const std::string&, const auto& vars) {
          ctx->respond(json::object{{"id", vars.at("id")}});
        }});
    registry_.add_prompt(
        Prompt{"greet",
               "Greets.",
               {{"who", "Whom", true}},
               [](const auto& args, const Caller&) -> Result<json::object, std::string> {
                 return json::object{{"messages", json::array{}}, {"who", args.at("who")}};
               }});
    session_ =
        std::make_shared<Session>("s1", "demo", "2025-11-25", clock_, StandaloneStreamLimits{});
  }

  // Sends one request and returns what came back on its channel.
  std::shared_ptr<RecordingChannel> call(std::string method, const char* params = "{}",
                                         json::value id = 1) {
    auto channel = std::make_shared<RecordingChannel>();
    auto ctx = std::make_shared<RequestContext>(session_, Caller{"demo", "demo", {"user"}, {}}, id,
                                                std::move(method), std::nullopt, channel);
    engine_.handle_request(ctx, *parse_json(params));
    return channel;
  }

  static const json::value& result(const std::shared_ptr<RecordingChannel>& channel) {
    return channel->response->at("result");
  }
  static std::int64_t error_code(const std::shared_ptr<RecordingChannel>& channel) {
    return channel->response->at("error").at("code").as_int64();
  }

  FakeClock clock_;
  Registry registry_;
  EngineOptions options_ = [] {
    EngineOptions o;
    o.list_page_size = 2;
    return o;
  }();
  Engine engine_{registry_, options_};
  std::shared_ptr<Session> session_;
  std::shared_ptr<RequestContext> pending_;
  bool cancel_hook_ran_ = false;
};

TEST_F(EngineTest, InitializeEchoesASupportedVersionAndOffersTheLatestOtherwise) {
  EXPECT_EQ(engine_.initialize(*parse_json(R"({"protocolVersion":"2025-03-26"})")).protocol_version,
            "2025-03-26");
  auto outcome = engine_.initialize(*parse_json(R"({"protocolVersion":"1999-01-01"})"));
  EXPECT_EQ(outcome.protocol_version, "2025-11-25");
  EXPECT_EQ(outcome.result.at("serverInfo").at("name"), "BlenderMCP");
  EXPECT_TRUE(outcome.result.at("capabilities").as_object().contains("logging"));
}

TEST_F(EngineTest, AnEngineWithoutResourcesOrCompletionsNeitherAdvertisesNorAnswersThem) {
  EngineOptions options;
  options.offer_resources = false;
  options.offer_completions = false;
  Engine bare{registry_, options};
  const auto capabilities = bare.initialize(json::object{}).result.at("capabilities").as_object();
  EXPECT_EQ(to_json_text(capabilities),
            R"({"logging":{},"tools":{"listChanged":false},"prompts":{"listChanged":false}})");
  for (const char* method : {"resources/list", "resources/templates/list", "resources/read",
                             "resources/subscribe", "completion/complete"}) {
    auto channel = std::make_shared<RecordingChannel>();
    auto ctx =
        std::make_shared<RequestContext>(session_, Caller{}, 1, method, std::nullopt, channel);
    bare.handle_request(ctx, json::object{});
    EXPECT_EQ(error_code(channel), jsonrpc::kMethodNotFound) << method;
  }
}

TEST_F(EngineTest, PingAnswersWithAnEmptyObject) {
  EXPECT_EQ(result(call("ping")), json::object{});
}

TEST_F(EngineTest, UnknownMethodsAreMethodNotFound) {
  EXPECT_EQ(error_code(call("nope/nothing")), jsonrpc::kMethodNotFound);
}

TEST_F(EngineTest, SetLevelChangesTheSessionLevelAndRefusesUnknownLevels) {
  EXPECT_EQ(session_->log_level(), LogLevel::kWarning);
  call("logging/setLevel", R"({"level":"debug"})");
  EXPECT_EQ(session_->log_level(), LogLevel::kDebug);
  EXPECT_EQ(error_code(call("logging/setLevel", R"({"level":"DEBUG"})")), jsonrpc::kInvalidParams);
  EXPECT_EQ(session_->log_level(), LogLevel::kDebug);
}

TEST_F(EngineTest, ToolsListPagesWithOpaqueCursors) {
  auto first = call("tools/list");
  ASSERT_EQ(result(first).at("tools").as_array().size(), 2u);
  const auto cursor = result(first).at("nextCursor");
  auto second = call("tools/list", ("{\"cursor\":" + to_json_text(cursor) + "}").c_str());
  EXPECT_EQ(result(second).at("tools").as_array().size(), 1u);
  EXPECT_FALSE(result(second).as_object().contains("nextCursor"));
}

TEST_F(EngineTest, ABogusCursorIsInvalidParams) {
  EXPECT_EQ(error_code(call("tools/list", R"({"cursor":"xyz"})")), jsonrpc::kInvalidParams);
  EXPECT_EQ(error_code(call("tools/list", R"({"cursor":"p99"})")), jsonrpc::kInvalidParams);
}

TEST_F(EngineTest, ToolsCallRunsTheHandlerWithValidatedArguments) {
  auto channel = call("tools/call", R"({"name":"echo","arguments":{"text":"hi"}})");
  EXPECT_EQ(result(channel).at("content").at(0).at("text"), "hi");
}

TEST_F(EngineTest, InvalidArgumentsAreAToolErrorNamingTheTool) {
  auto channel = call("tools/call", R"({"name":"echo","arguments":{"text":3}})");
  EXPECT_EQ(result(channel).at("isError"), true);
  const std::string text(result(channel).at("content").at(0).at("text").as_string());
  EXPECT_EQ(text.rfind("Invalid arguments for echo: ", 0), 0u);
}

TEST_F(EngineTest, UnknownToolIsInvalidParams) {
  auto channel = call("tools/call", R"({"name":"ghost"})");
  EXPECT_EQ(error_code(channel), jsonrpc::kInvalidParams);
  EXPECT_EQ(channel->response->at("error").at("message"), "Unknown tool: ghost");
}

TEST_F(EngineTest, AThrowingHandlerBecomesAnInternalError) {
  EXPECT_EQ(error_code(call("tools/call", R"({"name":"throws"})")), jsonrpc::kInternalError);
}

TEST_F(EngineTest, CancelledNotificationAbandonsTheRequestAndRunsItsHook) {
  auto channel = call("tools/call", R"({"name":"later"})", 42);
  ASSERT_TRUE(pending_);
  jsonrpc::Message cancel;
  cancel.kind = jsonrpc::Kind::kNotification;
  cancel.method = "notifications/cancelled";
  cancel.params = json::object{{"requestId", 42}};
  engine_.handle_notification(*session_, cancel);
  EXPECT_TRUE(channel->abandoned);
  EXPECT_TRUE(cancel_hook_ran_);
  pending_->respond(json::object{});
  EXPECT_FALSE(channel->response.has_value());
}

TEST_F(EngineTest, ResourcesAreReadByUriOrTemplateAndUnknownUrisAreNotFound) {
  EXPECT_EQ(result(call("resources/read", R"({"uri":"test://a"})")).at("contents").at(0).at("text"),
            "A");
  EXPECT_EQ(result(call("resources/read", R"({"uri":"test://item/123"})")).at("id"), "123");
  auto missing = call("resources/read", R"({"uri":"test://zzz"})");
  EXPECT_EQ(error_code(missing), jsonrpc::kResourceNotFound);
  EXPECT_EQ(missing->response->at("error").at("data").at("uri"), "test://zzz");
}

TEST_F(EngineTest, SubscribeRemembersTheUriForTheSession) {
  EXPECT_EQ(result(call("resources/subscribe", R"({"uri":"test://a"})")), json::object{});
  EXPECT_TRUE(session_->is_subscribed("test://a"));
  call("resources/unsubscribe", R"({"uri":"test://a"})");
  EXPECT_FALSE(session_->is_subscribed("test://a"));
}

TEST_F(EngineTest, PromptsRequireTheirRequiredArguments) {
  EXPECT_EQ(result(call("prompts/get", R"({"name":"greet","arguments":{"who":"Ann"}})")).at("who"),
            "Ann");
  EXPECT_EQ(error_code(call("prompts/get", R"({"name":"greet"})")), jsonrpc::kInvalidParams);
  EXPECT_EQ(error_code(call("prompts/get", R"({"name":"nope"})")), jsonrpc::kInvalidParams);
}

TEST_F(EngineTest, CompletionAnswersWithTheCompletionShape) {
  auto channel =
      call("completion/complete",
           R"({"ref":{"type":"ref/prompt","name":"greet"},"argument":{"name":"who","value":"A"}})");
  EXPECT_TRUE(result(channel).at("completion").at("values").is_array());
  EXPECT_EQ(error_code(call("completion/complete", R"({"ref":{}})")), jsonrpc::kInvalidParams);
}

TEST_F(EngineTest, ClientResponsesResolveServerRequests) {
  ClientReply got;
  const auto id = session_->register_client_request([&](ClientReply reply) { got = reply; });
  jsonrpc::Message response;
  response.kind = jsonrpc::Kind::kResponse;
  response.id = id;
  response.result = json::object{{"ok", true}};
  EXPECT_TRUE(engine_.handle_response(*session_, response));
  EXPECT_TRUE(got.ok);
  EXPECT_FALSE(engine_.handle_response(*session_, response));
}

}  // namespace
}  // namespace bmcp::mcp
