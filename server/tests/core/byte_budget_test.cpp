#include "core/byte_budget.hpp"

#include <gtest/gtest.h>

#include <thread>
#include <vector>

namespace bmcp {
namespace {

TEST(ByteBudget, ChargesUpToTheLimitAndRefusesBeyondIt) {
  ByteBudget budget(100);
  EXPECT_TRUE(budget.try_charge(60));
  EXPECT_TRUE(budget.try_charge(40));
  EXPECT_FALSE(budget.try_charge(1));
  EXPECT_EQ(budget.used(), 100u);
}

TEST(ByteBudget, ARefusedChargeChangesNothing) {
  ByteBudget budget(100);
  ASSERT_TRUE(budget.try_charge(10));
  EXPECT_FALSE(budget.try_charge(91));
  EXPECT_EQ(budget.used(), 10u);
  EXPECT_FALSE(budget.try_charge(static_cast<std::size_t>(-1)));
  EXPECT_EQ(budget.used(), 10u);
}

TEST(ByteBudget, ReleasedBytesCanBeChargedAgain) {
  ByteBudget budget(100);
  ASSERT_TRUE(budget.try_charge(100));
  budget.release(30);
  EXPECT_EQ(budget.used(), 70u);
  EXPECT_TRUE(budget.try_charge(30));
}

TEST(ByteBudget, ConcurrentChargesNeverPassTheLimit) {
  ByteBudget budget(1000);
  std::atomic<int> granted{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&] {
      for (int i = 0; i < 1000; ++i)
        granted += budget.try_charge(1) ? 1 : 0;
    });
  }
  for (auto& thread : threads)
    thread.join();
  EXPECT_EQ(granted.load(), 1000);
  EXPECT_EQ(budget.used(), 1000u);
}

TEST(ByteCharge, ReleasesItsBytesWhenDestroyed) {
  auto budget = std::make_shared<ByteBudget>(100);
  {
    auto charge = ByteCharge::take(budget, 70);
    ASSERT_TRUE(charge.has_value());
    EXPECT_EQ(budget->used(), 70u);
    EXPECT_FALSE(ByteCharge::take(budget, 31).has_value());
  }
  EXPECT_EQ(budget->used(), 0u);
}

TEST(ByteCharge, AMovedChargeIsReleasedOnce) {
  auto budget = std::make_shared<ByteBudget>(100);
  auto first = ByteCharge::take(budget, 40);
  ASSERT_TRUE(first.has_value());
  ByteCharge second = std::move(*first);
  first.reset();
  EXPECT_EQ(budget->used(), 40u);
  second.reset();
  EXPECT_EQ(budget->used(), 0u);
  second.reset();
  EXPECT_EQ(budget->used(), 0u);
}

}  // namespace
}  // namespace bmcp
