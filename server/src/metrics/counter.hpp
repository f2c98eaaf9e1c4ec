#pragma once

#include <atomic>
#include <cstdint>

namespace bmcp::metrics {

// A monotonic count for operators. add() is one relaxed atomic add: cheap enough for every
// request. Thread safety: all methods are safe from any thread.
class Counter {
 public:
  void add(std::uint64_t n = 1) noexcept { value_.fetch_add(n, std::memory_order_relaxed); }
  std::uint64_t value() const noexcept { return value_.load(std::memory_order_relaxed); }

 private:
  std::atomic<std::uint64_t> value_{0};
};

}  // namespace bmcp::metrics
