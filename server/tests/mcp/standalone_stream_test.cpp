#include "mcp/standalone_stream.hpp"

#include <fmt/format.h>
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

// The size of the frame of event `id` carrying `json`.
std::size_t frame_size(std::uint64_t id, std::string_view json) {
  return format_sse_event(id, json).size();
}

TEST_F(StandaloneStreamTest, QueuedCountsWhatNoSinkTookYetNotWhatIsRetainedForReplay) {
  EXPECT_EQ(stream_.queued(), 0u);
  for (int i = 1; i <= 7; ++i)
    stream_.publish(std::to_string(i));
  EXPECT_EQ(stream_.queued(), 5u);  // the two oldest gave way
  auto slow = std::make_shared<RecordingSink>(2 * frame_size(1, "1"));
  stream_.attach(slow, std::nullopt);
  EXPECT_EQ(stream_.queued(), 3u);  // two went out; three wait for room
  slow->drain();
  stream_.resume(slow.get());
  EXPECT_EQ(stream_.queued(), 1u);
  slow->drain();
  stream_.resume(slow.get());
  EXPECT_EQ(stream_.queued(), 0u);  // the delivered ones are only retained now
}

TEST_F(StandaloneStreamTest, EventsWaitForRoomInAFullSinkAndFollowInOrderWhenItDrains) {
  auto slow = std::make_shared<RecordingSink>(2 * frame_size(1, "1"));
  stream_.attach(slow, std::nullopt);
  for (int i = 1; i <= 4; ++i)
    EXPECT_TRUE(stream_.publish(std::to_string(i)).accepted());
  EXPECT_TRUE(stream_.is_attached());
  ASSERT_EQ(slow->frames.size(), 2u);
  EXPECT_EQ(stream_.stats().waits_for_room, 2u);
  slow->drain();
  stream_.resume(slow.get());
  ASSERT_EQ(slow->frames.size(), 4u);
  EXPECT_EQ(slow->frames[2].rfind("id: 3\n", 0), 0u);
  EXPECT_EQ(slow->frames[3].rfind("id: 4\n", 0), 0u);
  EXPECT_FALSE(slow->closed);
}

TEST_F(StandaloneStreamTest, AReplayLargerThanTheSinkIsDeliveredInPiecesNeverCut) {
  StandaloneStream stream(clock_, StandaloneStreamLimits{100, 100});
  for (int i = 1; i <= 10; ++i)
    stream.publish(std::to_string(i % 10));
  auto sink = std::make_shared<RecordingSink>(3 * frame_size(1, "1"));
  stream.attach(sink, std::nullopt);
  std::size_t rounds = 0;
  while (sink->frames.size() < 10 && rounds++ < 10) {
    sink->drain();
    stream.resume(sink.get());
  }
  ASSERT_EQ(sink->frames.size(), 10u);
  for (std::size_t i = 0; i < 10; ++i)
    EXPECT_EQ(sink->frames[i].rfind(fmt::format("id: {}\n", i + 1), 0), 0u);
  EXPECT_FALSE(sink->closed);
  // The next record after the replay goes out at once.
  EXPECT_TRUE(stream.publish("11").accepted());
  EXPECT_EQ(sink->frames.size(), 11u);
}

TEST_F(StandaloneStreamTest, AResumeForASinkThatIsNoLongerAttachedDoesNothing) {
  auto first = std::make_shared<RecordingSink>(frame_size(1, "1"));
  stream_.attach(first, std::nullopt);
  stream_.publish("1");
  stream_.publish("2");
  auto second = std::make_shared<RecordingSink>();
  stream_.attach(second, 0);
  first->drain();
  stream_.resume(first.get());
  EXPECT_EQ(first->frames.size(), 1u);
  EXPECT_EQ(second->frames.size(), 2u);
}

TEST_F(StandaloneStreamTest, AnEventNoSinkCouldEverTakeIsDroppedAndCountedNotStalled) {
  auto sink = std::make_shared<RecordingSink>(64);
  stream_.attach(sink, std::nullopt);
  stream_.publish(std::string(100, 'x'));
  stream_.publish("2");
  ASSERT_EQ(sink->frames.size(), 1u);
  EXPECT_EQ(sink->frames[0].rfind("id: 2\n", 0), 0u);
  EXPECT_EQ(stream_.stats().dropped_oversize, 1u);
}

TEST_F(StandaloneStreamTest, QueuedBytesAreBoundedDroppingTheOldest) {
  const std::size_t one = frame_size(1, "aaaa");
  StandaloneStream stream(clock_, StandaloneStreamLimits{100, 100, 3 * one, 1u << 20});
  for (int i = 0; i < 5; ++i)
    stream.publish("aaaa");
  auto sink = std::make_shared<RecordingSink>();
  stream.attach(sink, std::nullopt);
  ASSERT_EQ(sink->frames.size(), 3u);
  EXPECT_EQ(sink->frames[0].rfind("id: 3\n", 0), 0u);
  EXPECT_EQ(stream.stats().dropped_overflow, 2u);
}

TEST_F(StandaloneStreamTest, RetainedBytesAreBoundedKeepingTheNewest) {
  StandaloneStream stream(clock_, StandaloneStreamLimits{100, 100, 1u << 20, 10});
  auto sink = std::make_shared<RecordingSink>();
  stream.attach(sink, std::nullopt);
  for (int i = 1; i <= 4; ++i)
    stream.publish("bbbbbbbbbbbb");
  auto resumed = std::make_shared<RecordingSink>();
  stream.attach(resumed, 0);
  ASSERT_EQ(resumed->frames.size(), 1u);
  EXPECT_EQ(resumed->frames[0].rfind("id: 4\n", 0), 0u);
}

TEST_F(StandaloneStreamTest, WaitingEventsAreChargedToTheBudgetUntilTheyAreSent) {
  auto budget = std::make_shared<ByteBudget>(1u << 20);
  stream_.publish("1", budget);
  stream_.publish("2", budget);
  EXPECT_EQ(budget->used(), frame_size(1, "1") + frame_size(2, "2"));
  auto sink = std::make_shared<RecordingSink>();
  stream_.attach(sink, std::nullopt);
  EXPECT_EQ(budget->used(), 0u);
  stream_.publish("3", budget);
  EXPECT_EQ(budget->used(), 0u);  // sent at once: never charged
}

TEST_F(StandaloneStreamTest, OverBudgetTheStreamsOwnBacklogGivesWayThenTheEventIsRefused) {
  const std::size_t one = frame_size(1, "1");
  auto budget = std::make_shared<ByteBudget>(2 * one);
  EXPECT_TRUE(stream_.publish("1", budget).accepted());
  EXPECT_TRUE(stream_.publish("2", budget).accepted());
  const auto third = stream_.publish("3", budget);
  EXPECT_TRUE(third.accepted());
  EXPECT_TRUE(third.dropped_oldest);
  EXPECT_EQ(budget->used(), 2 * one);

  StandaloneStream other(clock_, StandaloneStreamLimits{});
  const auto refused = other.publish("4", budget);
  EXPECT_EQ(refused.outcome, PublishResult::Outcome::kOverBudget);
  EXPECT_EQ(other.stats().dropped_budget, 1u);
  EXPECT_EQ(budget->used(), 2 * one);
  stream_.shut_down();
  EXPECT_EQ(budget->used(), 0u);
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

TEST(FormatSseEvent, CarriesTheWholeIdRange) {
  EXPECT_EQ(format_sse_event(18446744073709551615ull, "{}"),
            "id: 18446744073709551615\nevent: message\ndata: {}\n\n");
}

TEST(StandaloneStreamManyRetained, LiveSendsReplaysAndDropsFindTheirPlaceAmongRetainedEvents) {
  FakeClock clock;
  StandaloneStream stream{clock, StandaloneStreamLimits{4, 300}};
  auto live = std::make_shared<RecordingSink>();
  stream.attach(live, std::nullopt);
  for (int i = 1; i <= 400; ++i)
    ASSERT_EQ(stream.publish(std::to_string(i)).id, static_cast<std::uint64_t>(i));
  ASSERT_EQ(live->frames.size(), 400u);
  EXPECT_EQ(live->frames[399], "id: 400\nevent: message\ndata: 400\n\n");
  // 300 retained (101..400): a resume after 350 replays exactly 351..400.
  auto resumed = std::make_shared<RecordingSink>();
  stream.attach(resumed, 350);
  ASSERT_EQ(resumed->frames.size(), 50u);
  EXPECT_EQ(resumed->frames.front().rfind("id: 351\n", 0), 0u);
  EXPECT_EQ(resumed->frames.back().rfind("id: 400\n", 0), 0u);
  // Without a sink, the queue bound drops the oldest undelivered, never a retained event.
  stream.detach(resumed.get());
  for (int i = 401; i <= 406; ++i)
    stream.publish(std::to_string(i));
  EXPECT_EQ(stream.queued(), 4u);
  EXPECT_EQ(stream.stats().dropped_overflow, 2u);
  auto again = std::make_shared<RecordingSink>();
  stream.attach(again, 398);
  ASSERT_EQ(again->frames.size(), 6u);
  EXPECT_EQ(again->frames[0].rfind("id: 399\n", 0), 0u);
  EXPECT_EQ(again->frames[1].rfind("id: 400\n", 0), 0u);
  EXPECT_EQ(again->frames[2].rfind("id: 403\n", 0), 0u);
  EXPECT_EQ(again->frames[5].rfind("id: 406\n", 0), 0u);
}

}  // namespace
}  // namespace bmcp::mcp
