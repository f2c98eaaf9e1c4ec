#include "bus/offline_hold.hpp"

#include <gtest/gtest.h>

namespace bmcp::bus {
namespace {

std::shared_ptr<const Message> message(std::string id) {
  auto m = std::make_shared<Message>();
  m->message_id = std::move(id);
  return m;
}

TEST(OfflineHold, KeepsRecordsInArrivalOrder) {
  OfflineHold hold;
  const SteadyTime now{};
  hold.hold(message("a"), now, 10);
  hold.hold(message("b"), now, 10);
  const auto taken = hold.take();
  ASSERT_EQ(taken.size(), 2u);
  EXPECT_EQ(taken[0].message->message_id, "a");
  EXPECT_EQ(hold.size(), 0u);
}

TEST(OfflineHold, ANewRecordPushesTheOldestOutWhenFullAndSaysSo) {
  OfflineHold hold;
  const SteadyTime now{};
  EXPECT_FALSE(hold.hold(message("a"), now, 2));
  EXPECT_FALSE(hold.hold(message("b"), now, 2));
  EXPECT_TRUE(hold.hold(message("c"), now, 2));
  const auto taken = hold.take();
  ASSERT_EQ(taken.size(), 2u);
  EXPECT_EQ(taken[0].message->message_id, "b");
}

TEST(OfflineHold, ExpireDropsOnlyRecordsOlderThanTheTtl) {
  OfflineHold hold;
  const SteadyTime start{};
  hold.hold(message("old"), start, 10);
  hold.hold(message("new"), start + std::chrono::seconds(100), 10);
  EXPECT_EQ(hold.expire(start + std::chrono::seconds(120), std::chrono::seconds(120)), 1u);
  EXPECT_EQ(hold.take().front().message->message_id, "new");
}

}  // namespace
}  // namespace bmcp::bus
