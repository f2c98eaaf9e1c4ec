#include "bus/offline_hold.hpp"

#include <gtest/gtest.h>

namespace bmcp::bus {
namespace {

std::shared_ptr<const Message> message(std::string id, std::size_t bytes = 100) {
  auto m = std::make_shared<Message>();
  m->message_id = std::move(id);
  m->text_bytes = bytes;
  return m;
}

HoldBounds records(std::size_t count) {
  return HoldBounds{count, 1u << 20};
}

TEST(OfflineHold, KeepsRecordsInArrivalOrder) {
  OfflineHold hold;
  const SteadyTime now{};
  hold.hold(message("a"), now, records(10));
  hold.hold(message("b"), now, records(10));
  const auto taken = hold.take();
  ASSERT_EQ(taken.size(), 2u);
  EXPECT_EQ(taken[0].message->message_id, "a");
  EXPECT_EQ(hold.size(), 0u);
}

TEST(OfflineHold, ANewRecordPushesTheOldestOutWhenFullAndSaysSo) {
  OfflineHold hold;
  const SteadyTime now{};
  EXPECT_FALSE(hold.hold(message("a"), now, records(2)).dropped_oldest);
  EXPECT_FALSE(hold.hold(message("b"), now, records(2)).dropped_oldest);
  EXPECT_TRUE(hold.hold(message("c"), now, records(2)).dropped_oldest);
  const auto taken = hold.take();
  ASSERT_EQ(taken.size(), 2u);
  EXPECT_EQ(taken[0].message->message_id, "b");
}

TEST(OfflineHold, ExpireDropsOnlyRecordsOlderThanTheTtl) {
  OfflineHold hold;
  const SteadyTime start{};
  hold.hold(message("old"), start, records(10));
  hold.hold(message("new"), start + std::chrono::seconds(100), records(10));
  EXPECT_EQ(hold.expire(start + std::chrono::seconds(120), std::chrono::seconds(120)), 1u);
  EXPECT_EQ(hold.take().front().message->message_id, "new");
}

TEST(OfflineHold, BytesAreBoundedTheOldestMakingRoom) {
  OfflineHold hold;
  const SteadyTime now{};
  const HoldBounds bounds{100, 250};
  hold.hold(message("a"), now, bounds);
  hold.hold(message("b"), now, bounds);
  const auto third = hold.hold(message("c"), now, bounds);
  EXPECT_TRUE(third.kept);
  EXPECT_TRUE(third.dropped_oldest);
  EXPECT_EQ(hold.bytes(), 200u);
  EXPECT_FALSE(hold.hold(message("huge", 251), now, bounds).kept);
  EXPECT_EQ(hold.size(), 2u);
}

TEST(OfflineHold, HeldRecordsAreChargedToTheBudgetUntilTakenOrExpired) {
  OfflineHold hold;
  const SteadyTime start{};
  auto budget = std::make_shared<ByteBudget>(250);
  hold.hold(message("a"), start, records(10), budget);
  hold.hold(message("b"), start + std::chrono::seconds(10), records(10), budget);
  EXPECT_EQ(budget->used(), 200u);
  // No room in the budget: this hold's own oldest record gives way.
  const auto third = hold.hold(message("c"), start + std::chrono::seconds(20), records(10), budget);
  EXPECT_TRUE(third.kept);
  EXPECT_TRUE(third.dropped_oldest);
  EXPECT_EQ(budget->used(), 200u);
  EXPECT_EQ(hold.expire(start + std::chrono::seconds(135), std::chrono::seconds(120)), 1u);
  EXPECT_EQ(budget->used(), 100u);
  hold.take();
  EXPECT_EQ(budget->used(), 0u);
}

TEST(OfflineHold, ARecordTheBudgetCannotTakeIsNotKept) {
  OfflineHold hold;
  auto budget = std::make_shared<ByteBudget>(50);
  EXPECT_FALSE(hold.hold(message("a"), SteadyTime{}, records(10), budget).kept);
  EXPECT_EQ(hold.size(), 0u);
  EXPECT_EQ(budget->used(), 0u);
}

}  // namespace
}  // namespace bmcp::bus
