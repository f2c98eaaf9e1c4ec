#include "metrics/histogram.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <stdexcept>
#include <thread>
#include <vector>

namespace bmcp::metrics {
namespace {

TEST(Histogram, CountsEachObservationInItsBucketCumulatively) {
  Histogram histogram({0.1, 1, 10});
  histogram.observe(0.05);
  histogram.observe(0.1);  // `le` is inclusive
  histogram.observe(0.5);
  histogram.observe(20);
  const auto snapshot = histogram.snapshot();
  EXPECT_EQ(snapshot.cumulative_counts, (std::vector<std::uint64_t>{2, 3, 3}));
  EXPECT_EQ(snapshot.count, 4u);
  EXPECT_DOUBLE_EQ(snapshot.sum, 20.65);
  EXPECT_EQ(snapshot.upper_bounds, (std::vector<double>{0.1, 1, 10}));
}

TEST(Histogram, IgnoresNaN) {
  Histogram histogram({1});
  histogram.observe(std::nan(""));
  const auto snapshot = histogram.snapshot();
  EXPECT_EQ(snapshot.count, 0u);
  EXPECT_EQ(snapshot.sum, 0.0);
}

TEST(Histogram, RefusesBoundsThatAreNotFiniteAndAscending) {
  EXPECT_THROW(Histogram({1, 1}), std::invalid_argument);
  EXPECT_THROW(Histogram({2, 1}), std::invalid_argument);
  EXPECT_THROW(Histogram({1, INFINITY}), std::invalid_argument);
  EXPECT_NO_THROW(Histogram({}));
}

TEST(Histogram, ObservationsFromManyThreadsAreAllCounted) {
  Histogram histogram(duration_buckets());
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&histogram] {
      for (int i = 0; i < 10000; ++i)
        histogram.observe(0.25);
    });
  }
  for (auto& thread : threads)
    thread.join();
  const auto snapshot = histogram.snapshot();
  EXPECT_EQ(snapshot.count, 40000u);
  EXPECT_DOUBLE_EQ(snapshot.sum, 10000.0);
}

TEST(DurationBuckets, AreAscendingFromMillisecondsToMinutes) {
  const auto bounds = duration_buckets();
  ASSERT_FALSE(bounds.empty());
  EXPECT_LE(bounds.front(), 0.005);
  EXPECT_GE(bounds.back(), 600);
  EXPECT_NO_THROW(Histogram{bounds});
}

}  // namespace
}  // namespace bmcp::metrics
