#pragma once

#include <chrono>
#include <cstddef>
#include <deque>
#include <memory>

#include "bus/message.hpp"
#include "core/clock.hpp"

namespace bmcp::bus {

// Records kept, in order, for one persistent client while it is offline. Bounded in count
// (the oldest record makes room for a newer one) and in age (see expire()).
// Thread safety: none; the owning Bus guards it.
class OfflineHold {
 public:
  struct Held {
    std::shared_ptr<const Message> message;
    SteadyTime held_at;
  };

  // Keeps `message`; returns true when the oldest held record was dropped to make room.
  bool hold(std::shared_ptr<const Message> message, SteadyTime now, std::size_t max_records);
  // Drops records held for `ttl` or longer; returns how many.
  std::size_t expire(SteadyTime now, std::chrono::nanoseconds ttl);
  // Hands over every held record, oldest first, and empties the hold.
  std::deque<Held> take();

  std::size_t size() const { return records_.size(); }

 private:
  std::deque<Held> records_;
};

}  // namespace bmcp::bus
