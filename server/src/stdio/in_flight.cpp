#include "stdio/in_flight.hpp"

namespace bmcp::stdio {

void InFlight::begin() {
  std::lock_guard lock(mutex_);
  ++count_;
}

void InFlight::end() {
  std::lock_guard lock(mutex_);
  if (count_ > 0 && --count_ == 0)
    idle_.notify_all();
}

std::size_t InFlight::count() const {
  std::lock_guard lock(mutex_);
  return count_;
}

bool InFlight::wait_idle(std::chrono::milliseconds limit) const {
  std::unique_lock lock(mutex_);
  return idle_.wait_for(lock, limit, [this] { return count_ == 0; });
}

}  // namespace bmcp::stdio
