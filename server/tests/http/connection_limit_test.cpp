#include "http/connection_limit.hpp"

#include <gtest/gtest.h>

#include <thread>
#include <vector>

namespace bmcp::http {
namespace {

using Admission = ConnectionLimit::Admission;

TEST(EffectiveMaxConnections, DefaultsToTheDescriptorLimitLessTheReserves) {
  EXPECT_EQ(effective_max_connections(std::nullopt, 1024), 1024u - 64u - 16u);
  EXPECT_EQ(effective_max_connections(std::nullopt, 256), 176u);
}

TEST(EffectiveMaxConnections, AConfiguredValueBelowTheCeilingIsKept) {
  EXPECT_EQ(effective_max_connections(100, 1024), 100u);
}

TEST(EffectiveMaxConnections, AConfiguredValueAboveTheCeilingIsLowered) {
  EXPECT_EQ(effective_max_connections(100'000, 1024), 944u);
}

TEST(EffectiveMaxConnections, ATinyDescriptorLimitStillAllowsOneConnection) {
  EXPECT_EQ(effective_max_connections(std::nullopt, 50), 1u);
  EXPECT_EQ(effective_max_connections(std::nullopt, 80), 1u);
  EXPECT_EQ(effective_max_connections(std::nullopt, 81), 1u);
  EXPECT_EQ(effective_max_connections(std::nullopt, 82), 2u);
}

TEST(ConnectionLimit, ServesUpToTheLimitThenTheReserveThenRefuses) {
  ConnectionLimit limit(2, 1);
  auto a = limit.admit();
  auto b = limit.admit();
  auto c = limit.admit();
  auto d = limit.admit();
  EXPECT_EQ(a.admission(), Admission::kServe);
  EXPECT_EQ(b.admission(), Admission::kServe);
  EXPECT_EQ(c.admission(), Admission::kOverLimit);
  EXPECT_EQ(d.admission(), Admission::kRefuse);
  EXPECT_EQ(limit.serving(), 2u);
  EXPECT_EQ(limit.over_limit(), 1u);
}

TEST(ConnectionLimit, AReleasedSlotFreesItsPlace) {
  ConnectionLimit limit(1, 1);
  {
    auto a = limit.admit();
    auto b = limit.admit();
    ASSERT_EQ(b.admission(), Admission::kOverLimit);
    EXPECT_EQ(limit.admit().admission(), Admission::kRefuse);
  }
  EXPECT_EQ(limit.serving(), 0u);
  EXPECT_EQ(limit.over_limit(), 0u);
  EXPECT_EQ(limit.admit().admission(), Admission::kServe);
}

TEST(ConnectionLimit, ARefusedSlotHoldsNothing) {
  ConnectionLimit limit(1, 0);
  auto a = limit.admit();
  { auto refused = limit.admit(); }
  EXPECT_EQ(limit.serving(), 1u);
}

TEST(ConnectionLimit, AMovedSlotReleasesOnce) {
  ConnectionLimit limit(2, 0);
  {
    auto a = limit.admit();
    auto moved = std::move(a);
    auto b = limit.admit();
    b = std::move(moved);  // b's own place is released here, moved's once at scope end
    EXPECT_EQ(limit.serving(), 1u);
  }
  EXPECT_EQ(limit.serving(), 0u);
}

TEST(ConnectionLimit, ASlotMayOutliveTheLimit) {
  auto limit = std::make_unique<ConnectionLimit>(1, 0);
  auto slot = limit->admit();
  limit.reset();
  // Destroying `slot` now must not touch freed memory (checked under the sanitizers).
}

TEST(ConnectionLimit, ConcurrentAdmissionsNeverExceedTheLimit) {
  ConnectionLimit limit(50, 10);
  std::vector<std::thread> threads;
  std::vector<std::vector<ConnectionLimit::Slot>> held(4);
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&limit, &mine = held[t]] {
      for (int i = 0; i < 100; ++i) {
        auto slot = limit.admit();
        if (slot.admission() != Admission::kRefuse)
          mine.push_back(std::move(slot));
      }
    });
  }
  for (auto& thread : threads)
    thread.join();
  std::size_t kept = 0;
  for (const auto& slots : held)
    kept += slots.size();
  EXPECT_EQ(kept, 60u);
  EXPECT_EQ(limit.serving(), 50u);
  EXPECT_EQ(limit.over_limit(), 10u);
}

}  // namespace
}  // namespace bmcp::http
