#pragma once

#include <array>
#include <atomic>
#include <cstdint>

namespace bmcp::http {

// What an HttpServer answered, for operators: responses by status code and the event streams
// open now. Counting is one relaxed atomic add, on every response.
// Thread safety: all methods are safe from any thread.
class ServerStats {
 public:
  static constexpr int kLowestStatus = 100;
  static constexpr int kHighestStatus = 599;

  // A response with `status` started; statuses outside 100-599 are not counted.
  void count_response(int status) noexcept;
  std::uint64_t responses(int status) const noexcept;

  void stream_opened() noexcept { open_streams_.fetch_add(1, std::memory_order_relaxed); }
  void stream_closed() noexcept { open_streams_.fetch_sub(1, std::memory_order_relaxed); }
  std::uint64_t open_streams() const noexcept {
    return open_streams_.load(std::memory_order_relaxed);
  }

 private:
  std::array<std::atomic<std::uint64_t>, kHighestStatus - kLowestStatus + 1> responses_{};
  std::atomic<std::uint64_t> open_streams_{0};
};

}  // namespace bmcp::http
