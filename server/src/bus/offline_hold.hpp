#pragma once

#include <chrono>
#include <cstddef>
#include <deque>
#include <memory>

#include "bus/message.hpp"
#include "core/byte_budget.hpp"
#include "core/clock.hpp"

namespace bmcp::bus {

struct HoldBounds {
  std::size_t max_records = 1000;
  std::size_t max_bytes = 16u << 20;  // of Message::text_bytes
};

struct HoldResult {
  bool kept = false;            // false: no room even after the oldest records gave way
  bool dropped_oldest = false;  // older records were dropped to make room
};

// Records kept, in order, for one persistent client while it is offline. Bounded in count
// and bytes (the oldest records make room for a newer one), in age (see expire()), and by the
// user's byte budget, which every held record is charged to.
// Thread safety: none; the owning Bus guards it.
class OfflineHold {
 public:
  struct Held {
    std::shared_ptr<const Message> message;
    SteadyTime held_at;
    ByteCharge charge;
  };

  // Keeps `message`, charged to `budget` when one is given.
  HoldResult hold(std::shared_ptr<const Message> message, SteadyTime now, HoldBounds bounds,
                  const std::shared_ptr<ByteBudget>& budget = nullptr);
  // Drops records held for `ttl` or longer; returns how many.
  std::size_t expire(SteadyTime now, std::chrono::nanoseconds ttl);
  // Hands over every held record, oldest first, and empties the hold.
  std::deque<Held> take();

  std::size_t size() const { return records_.size(); }
  std::size_t bytes() const { return bytes_; }

 private:
  void pop_oldest();

  std::deque<Held> records_;
  std::size_t bytes_ = 0;
};

}  // namespace bmcp::bus
