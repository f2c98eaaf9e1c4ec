#pragma once

#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <mutex>

namespace bmcp::stdio {

// Counts requests that were accepted but not yet answered, so that the end of input can wait
// for them: an answer that was promised is not lost because stdin closed first.
// Thread safety: every method is safe from any thread.
class InFlight {
 public:
  void begin();
  void end();
  std::size_t count() const;
  // Waits until nothing is in flight or `limit` passed; true when nothing is left.
  bool wait_idle(std::chrono::milliseconds limit) const;

 private:
  mutable std::mutex mutex_;
  mutable std::condition_variable idle_;
  std::size_t count_ = 0;
};

}  // namespace bmcp::stdio
