#include "transport/response_channels.hpp"

#include <gtest/gtest.h>

#include "../http/recording_response.hpp"

namespace bmcp::transport {
namespace {

using http::testing::RecordingResponse;

TEST(SseRequestChannel, StreamsRelatedMessagesThenTheResponseAndEnds) {
  auto response = std::make_shared<RecordingResponse>();
  SseRequestChannel channel(response, {});
  EXPECT_TRUE(response->events_started);
  EXPECT_FALSE(response->watched);
  EXPECT_TRUE(channel.send_related(R"({"method":"notifications/progress"})"));
  channel.complete(R"({"id":1})");
  ASSERT_EQ(response->frames.size(), 2u);
  EXPECT_EQ(response->frames[1], "event: message\ndata: {\"id\":1}\n\n");
  EXPECT_TRUE(response->ended);
}

TEST(JsonRequestChannel, AnswersOneJsonBodyAndCannotCarryRelatedMessages) {
  auto response = std::make_shared<RecordingResponse>();
  http::Headers extra;
  extra.set("Mcp-Session-Id", "abc");
  JsonRequestChannel channel(response, extra);
  EXPECT_FALSE(channel.send_related("{}"));
  channel.complete(R"({"id":1})");
  ASSERT_TRUE(response->full);
  EXPECT_EQ(response->full->status, 200);
  EXPECT_EQ(response->full->headers.get("Mcp-Session-Id"), "abc");
  EXPECT_EQ(response->full->headers.get("Content-Type"), "application/json");
}

TEST(JsonRequestChannel, AnAbandonedRequestGets202WithoutABody) {
  auto response = std::make_shared<RecordingResponse>();
  JsonRequestChannel(response, {}).abandon();
  EXPECT_EQ(response->full->status, 202);
  EXPECT_TRUE(response->full->body.empty());
}

TEST(StreamSink, ClosingEndsTheStream) {
  auto response = std::make_shared<RecordingResponse>();
  response->start_events({}, true);
  StreamSink sink(response);
  EXPECT_TRUE(sink.push(std::make_shared<const std::string>("x")));
  sink.close();
  EXPECT_TRUE(response->ended);
  EXPECT_FALSE(sink.push(std::make_shared<const std::string>("y")));
}

}  // namespace
}  // namespace bmcp::transport
