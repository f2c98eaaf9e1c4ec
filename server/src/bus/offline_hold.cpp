#include "bus/offline_hold.hpp"

namespace bmcp::bus {

HoldResult OfflineHold::hold(std::shared_ptr<const Message> message, SteadyTime now,
                             HoldBounds bounds, const std::shared_ptr<ByteBudget>& budget) {
  HoldResult result;
  const std::size_t size = message->text_bytes;
  if (bounds.max_records == 0 || size > bounds.max_bytes)
    return result;
  while (!records_.empty() &&
         (records_.size() >= bounds.max_records || bytes_ + size > bounds.max_bytes)) {
    pop_oldest();
    result.dropped_oldest = true;
  }
  std::optional<ByteCharge> charge;
  if (budget) {
    // This client's own held records give way first, as the count bound would drop them.
    while (!(charge = ByteCharge::take(budget, size))) {
      if (records_.empty())
        return result;
      pop_oldest();
      result.dropped_oldest = true;
    }
  }
  bytes_ += size;
  records_.push_back({std::move(message), now, charge ? std::move(*charge) : ByteCharge()});
  result.kept = true;
  return result;
}

void OfflineHold::pop_oldest() {
  bytes_ -= records_.front().message->text_bytes;
  records_.pop_front();
}

std::size_t OfflineHold::expire(SteadyTime now, std::chrono::nanoseconds ttl) {
  std::size_t expired = 0;
  // Records are held in arrival order, so the expired ones form a prefix.
  while (!records_.empty() && now - records_.front().held_at >= ttl) {
    pop_oldest();
    ++expired;
  }
  return expired;
}

std::deque<OfflineHold::Held> OfflineHold::take() {
  std::deque<Held> taken;
  taken.swap(records_);
  bytes_ = 0;
  return taken;
}

}  // namespace bmcp::bus
