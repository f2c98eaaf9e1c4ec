#pragma once

#include <atomic>
#include <cstdint>
#include <memory>
#include <vector>

namespace bmcp::metrics {

// A histogram's state at one moment, as the exposition format wants it: counts cumulative
// (counts[i] observations <= upper_bounds[i]), then the +Inf bucket, which equals `count`.
struct HistogramSnapshot {
  std::vector<double> upper_bounds;
  std::vector<std::uint64_t> cumulative_counts;  // one per upper bound
  std::uint64_t count = 0;
  double sum = 0;
};

// Observations in fixed buckets. observe() is a binary search over the bounds and two relaxed
// atomic adds (the bucket and the sum): no lock, no allocation.
// Thread safety: all methods are safe from any thread. A snapshot taken while observations
// run may see an observation's bucket without its sum; the buckets always agree with `count`.
class Histogram {
 public:
  // Throws std::invalid_argument unless the bounds are finite and strictly ascending (a
  // programming error); +Inf is always the last bucket and is not listed.
  explicit Histogram(std::vector<double> upper_bounds);

  // NaN is ignored.
  void observe(double value) noexcept;
  HistogramSnapshot snapshot() const;
  const std::vector<double>& upper_bounds() const { return upper_bounds_; }

 private:
  std::vector<double> upper_bounds_;
  std::unique_ptr<std::atomic<std::uint64_t>[]> buckets_;  // per bucket, the last is +Inf
  std::atomic<double> sum_{0.0};
};

// Bounds for request and job durations in seconds: 5 ms to 10 min, roughly x2.5 apart.
std::vector<double> duration_buckets();

}  // namespace bmcp::metrics
