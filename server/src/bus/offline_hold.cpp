#include "bus/offline_hold.hpp"

namespace bmcp::bus {

bool OfflineHold::hold(std::shared_ptr<const Message> message, SteadyTime now,
                       std::size_t max_records) {
  if (max_records == 0)
    return true;
  bool dropped = false;
  while (records_.size() >= max_records) {
    records_.pop_front();
    dropped = true;
  }
  records_.push_back({std::move(message), now});
  return dropped;
}

std::size_t OfflineHold::expire(SteadyTime now, std::chrono::nanoseconds ttl) {
  std::size_t expired = 0;
  // Records are held in arrival order, so the expired ones form a prefix.
  while (!records_.empty() && now - records_.front().held_at >= ttl) {
    records_.pop_front();
    ++expired;
  }
  return expired;
}

std::deque<OfflineHold::Held> OfflineHold::take() {
  std::deque<Held> taken;
  taken.swap(records_);
  return taken;
}

}  // namespace bmcp::bus
