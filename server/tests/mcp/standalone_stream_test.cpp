#include "mcp/standalone_stream.hpp"

#include <gtest/gtest.h>

#include "fake_channel.hpp"

namespace bmcp::mcp {
namespace {

using testing::RecordingSink;

class StandaloneStreamTest : public ::testing::Test {
 protected:
  FakeClock clock_;
  StandaloneStream stream_{clock_, StandaloneStreamLimits{5, 3}};
};

TEST_F(StandaloneStreamTest, EventIdsStartAtOneAndFramesCarryThem) {
  auto sink = std::make_shared<RecordingSink>();
  stream_.attach(sink, std::nullopt);
  EXPECT_EQ(stream_.publish(R"({"a":1})").id, 1u);
  EXPECT_EQ(stream_.publish(R"({"a":2})").id, 2u);
  ASSERT_EQ(sink->frames.size(), 2u);
  EXPECT_EQ(sink->frames[0], "id: 1\nevent: message\ndata: {\"a\":1}\n\n");
}

TEST_F(StandaloneStreamTest, EventsPublishedWithoutAStreamAreFlushedInOrderOnAttach) {
  stream_.publish("1");
  stream_.publish("2");
  auto sink = std::make_shared<RecordingSink>();
  stream_.attach(sink, std::nullopt);
  ASSERT_EQ(sink->frames.size(), 2u);
  EXPECT_NE(sink->frames[1].find("data: 2"), std::string::npos);
}

TEST_F(StandaloneStreamTest, QueueOverflowDropsTheOldestAndCountsIt) {
  for (int i = 1; i <= 7; ++i)
    stream_.publish(std::to_string(i));
  auto sink = std::make_shared<RecordingSink>();
  stream_.attach(sink, std::nullopt);
  ASSERT_EQ(sink->frames.size(), 5u);
  EXPECT_EQ(sink->frames.front().rfind("id: 3\n", 0), 0u);
  EXPECT_EQ(stream_.stats().dropped_overflow, 2u);
}

TEST_F(StandaloneStreamTest, PublishTellsWhenKeepingAnEventPushedTheOldestOut) {
  for (int i = 1; i <= 5; ++i)
    EXPECT_FALSE(stream_.publish(std::to_string(i)).dropped_oldest);
  EXPECT_TRUE(stream_.publish("6").dropped_oldest);
}

TEST_F(StandaloneStreamTest, ANeverAttachedStreamCountsAsDetachedSinceItWasCreated) {
  const auto created = clock_.steady_now();
  clock_.advance(std::chrono::seconds(3));
  EXPECT_EQ(stream_.detached_since(), created);
}

TEST_F(StandaloneStreamTest, LastEventIdReplaysOnlyLaterRetainedEvents) {
  auto first = std::make_shared<RecordingSink>();
  stream_.attach(first, std::nullopt);
  for (int i = 1; i <= 4; ++i)
    stream_.publish(std::to_string(i));
  auto second = std::make_shared<RecordingSink>();
  stream_.attach(second, 2);
  ASSERT_EQ(second->frames.size(), 2u);
  EXPECT_EQ(second->frames[0].rfind("id: 3\n", 0), 0u);
}

TEST_F(StandaloneStreamTest, ANewAttachClosesThePreviousSink) {
  auto first = std::make_shared<RecordingSink>();
  stream_.attach(first, std::nullopt);
  stream_.attach(std::make_shared<RecordingSink>(), std::nullopt);
  EXPECT_TRUE(first->closed);
}

TEST_F(StandaloneStreamTest, ASlowConsumerIsDetachedAndCanResume) {
  auto slow = std::make_shared<RecordingSink>(2);
  stream_.attach(slow, std::nullopt);
  for (int i = 1; i <= 4; ++i)
    stream_.publish(std::to_string(i));
  EXPECT_FALSE(stream_.is_attached());
  EXPECT_EQ(stream_.stats().slow_consumers, 1u);
  EXPECT_TRUE(stream_.detached_since().has_value());
  auto resumed = std::make_shared<RecordingSink>();
  stream_.attach(resumed, 2);
  ASSERT_EQ(resumed->frames.size(), 2u);
  EXPECT_EQ(resumed->frames[0].rfind("id: 3\n", 0), 0u);
}

TEST_F(StandaloneStreamTest, ShutDownClosesTheSinkAndForgetsEverything) {
  auto sink = std::make_shared<RecordingSink>();
  stream_.attach(sink, std::nullopt);
  stream_.shut_down();
  EXPECT_TRUE(sink->closed);
  EXPECT_FALSE(stream_.publish("late").accepted());
  EXPECT_TRUE(sink->frames.empty());
}

TEST(FormatSseEvent, OmitsTheIdLineForPostStreams) {
  EXPECT_EQ(format_sse_event(0, "{}"), "event: message\ndata: {}\n\n");
}

}  // namespace
}  // namespace bmcp::mcp
