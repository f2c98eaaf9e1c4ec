#include "mcp/request_context.hpp"

#include <gtest/gtest.h>

#include "fake_channel.hpp"

namespace bmcp::mcp {
namespace {

using testing::RecordingChannel;

class RequestContextTest : public ::testing::Test {
 protected:
  std::shared_ptr<RequestContext> make(std::shared_ptr<RecordingChannel> channel,
                                       std::optional<json::value> token = std::nullopt) {
    return std::make_shared<RequestContext>(session_, Caller{"demo", "demo", {}, {}}, 1,
                                            "tools/call", std::move(token), std::move(channel));
  }
  FakeClock clock_;
  std::shared_ptr<Session> session_ =
      std::make_shared<Session>("s", "demo", "2025-11-25", clock_, StandaloneStreamLimits{});
};

TEST(ProgressTokenOfTest, AStringOrIntegerTokenUnderMetaIsTakenAndAnythingElseIsNot) {
  EXPECT_EQ(progress_token_of(*parse_json(R"({"_meta":{"progressToken":"t1"}})")),
            json::value("t1"));
  EXPECT_EQ(progress_token_of(*parse_json(R"({"_meta":{"progressToken":7}})")), json::value(7));
  EXPECT_FALSE(progress_token_of(*parse_json(R"({"_meta":{"progressToken":1.5}})")));
  EXPECT_FALSE(progress_token_of(*parse_json(R"({"_meta":{"progressToken":null}})")));
  EXPECT_FALSE(progress_token_of(*parse_json(R"({"_meta":"t1"})")));
  EXPECT_FALSE(progress_token_of(*parse_json(R"({"progressToken":"t1"})")));
  EXPECT_FALSE(progress_token_of(json::value()));
}

TEST_F(RequestContextTest, OnlyTheFirstCompletionCounts) {
  auto channel = std::make_shared<RecordingChannel>();
  auto ctx = make(channel);
  ctx->respond(json::object{{"n", 1}});
  ctx->respond(json::object{{"n", 2}});
  EXPECT_EQ(channel->response->at("result").at("n"), 1);
}

TEST_F(RequestContextTest, LogsBelowTheSessionLevelAreDropped) {
  auto channel = std::make_shared<RecordingChannel>();
  auto ctx = make(channel);
  ctx->log(LogLevel::kInfo, "test", "quiet");
  EXPECT_TRUE(channel->related.empty());
  session_->set_log_level(LogLevel::kDebug);
  ctx->log(LogLevel::kInfo, "test", "loud");
  ASSERT_EQ(channel->related.size(), 1u);
  EXPECT_EQ(channel->related[0].at("method"), "notifications/message");
  EXPECT_EQ(channel->related[0].at("params").at("level"), "info");
}

TEST_F(RequestContextTest, ProgressNeedsAProgressToken) {
  auto without = std::make_shared<RecordingChannel>();
  make(without)->progress(1, 2, std::nullopt);
  EXPECT_TRUE(without->related.empty());
  auto with = std::make_shared<RecordingChannel>();
  make(with, json::value("tok"))->progress(50, 100, std::string("half"));
  ASSERT_EQ(with->related.size(), 1u);
  EXPECT_EQ(with->related[0].at("params").at("progressToken"), "tok");
  EXPECT_EQ(with->related[0].at("params").at("message"), "half");
}

TEST_F(RequestContextTest, ClientRequestsAreCorrelatedByTheirId) {
  auto channel = std::make_shared<RecordingChannel>();
  auto ctx = make(channel);
  std::optional<ClientReply> got;
  ctx->request_client("sampling/createMessage", json::object{}, [&](ClientReply r) { got = r; });
  ASSERT_EQ(channel->related.size(), 1u);
  const auto id = channel->related[0].at("id");
  ClientReply reply;
  reply.ok = true;
  reply.result = "answer";
  EXPECT_TRUE(session_->resolve_client_request(id, reply));
  ASSERT_TRUE(got);
  EXPECT_EQ(got->result, "answer");
}

TEST_F(RequestContextTest, ClientRequestsFailAtOnceOnAJsonOnlyChannel) {
  auto channel = std::make_shared<RecordingChannel>(false);
  std::optional<ClientReply> got;
  make(channel)->request_client("elicitation/create", json::object{},
                                [&](ClientReply r) { got = r; });
  ASSERT_TRUE(got);
  EXPECT_FALSE(got->ok);
}

TEST_F(RequestContextTest, CancelRunsTheHookOnceAndSuppressesTheResponse) {
  auto channel = std::make_shared<RecordingChannel>();
  auto ctx = make(channel);
  int hooks = 0;
  ctx->on_cancel([&] { ++hooks; });
  ctx->cancel();
  ctx->cancel();
  ctx->respond(json::object{});
  EXPECT_EQ(hooks, 1);
  EXPECT_TRUE(channel->abandoned);
  EXPECT_FALSE(channel->response);
  ctx->on_cancel([&] { ++hooks; });
  EXPECT_EQ(hooks, 2);
}

TEST_F(RequestContextTest, EndingTheSessionCancelsRequestsInFlight) {
  auto channel = std::make_shared<RecordingChannel>();
  auto ctx = make(channel);
  session_->add_in_flight(request_key(ctx->id()), ctx);
  EXPECT_TRUE(session_->end());
  EXPECT_TRUE(ctx->cancelled());
  EXPECT_FALSE(session_->end());
}

}  // namespace
}  // namespace bmcp::mcp
