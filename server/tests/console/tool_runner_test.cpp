#include "console/tool_runner.hpp"

#include <gtest/gtest.h>

#include "mcp/tool_result.hpp"

namespace bmcp::console {
namespace {

class ToolRunnerTest : public ::testing::Test {
 protected:
  ToolRunnerTest() {
    // A tool that says who called it, on which session, with which argument.
    registry_.add_tool(mcp::Tool{
        "whoami", "Names the caller.",
        parse_json(
            R"({"type":"object","properties":{"text":{"type":"string"}},"required":["text"]})")
            ->as_object(),
        std::nullopt,
        [](const std::shared_ptr<mcp::RequestContext>& ctx, const json::object& args) {
          ctx->respond(mcp::text_tool_result(ctx->caller().username + "/" +
                                             (ctx->caller().has_role("admin") ? "admin" : "user") +
                                             "/" + std::string(args.at("text").as_string())));
        }});
  }

  std::pair<std::string, json::value> call(const std::string& session_id, json::object arguments) {
    std::pair<std::string, json::value> out;
    runner_.call(user_, session_id, "whoami", std::move(arguments),
                 [&out](std::string session, json::value response) {
                   out = {std::move(session), std::move(response)};
                 });
    return out;
  }

  FakeClock clock_;
  mcp::Registry registry_;
  mcp::Engine engine_{registry_, mcp::EngineOptions{}};
  mcp::SessionTable sessions_{clock_, mcp::SessionLimits{}};
  ToolRunner runner_{engine_, sessions_};
  ConsoleUser user_{"demo", "uid-demo", {"user"}, {"read", "write"}};
};

TEST_F(ToolRunnerTest, CallsTheToolAsTheUserOnASessionOfItsOwnThenReusesIt) {
  auto [session, response] = call("", json::object{{"text", "hi"}});
  ASSERT_FALSE(session.empty());
  const auto& result = response.as_object().at("result").as_object();
  EXPECT_EQ(result.at("content").as_array().at(0).as_object().at("text"), "demo/user/hi");
  EXPECT_EQ(sessions_.count_for("demo"), 1u);
  auto [again, second] = call(session, json::object{{"text", "again"}});
  EXPECT_EQ(again, session);
  EXPECT_EQ(sessions_.count_for("demo"), 1u);
}

TEST_F(ToolRunnerTest, ArgumentsAreValidatedAsForAnyToolsCall) {
  auto [session, response] = call("", json::object{{"text", 3}});
  const auto& result = response.as_object().at("result").as_object();
  EXPECT_EQ(result.at("isError"), true);
  const std::string text(result.at("content").as_array().at(0).as_object().at("text").as_string());
  EXPECT_EQ(text.rfind("Invalid arguments for whoami: ", 0), 0u) << text;
}

TEST_F(ToolRunnerTest, AnEndedSessionIsReplacedAndEndSessionEndsIt) {
  auto [session, response] = call("", json::object{{"text", "a"}});
  runner_.end_session(user_, session);
  EXPECT_EQ(sessions_.count_for("demo"), 0u);
  auto [replacement, again] = call(session, json::object{{"text", "b"}});
  EXPECT_NE(replacement, session);
  EXPECT_EQ(sessions_.count_for("demo"), 1u);
  runner_.end_session(user_, "");  // nothing to end
  EXPECT_EQ(sessions_.count_for("demo"), 1u);
}

}  // namespace
}  // namespace bmcp::console
