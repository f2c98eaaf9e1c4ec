#include "bus/counters.hpp"

#include <fmt/format.h>

namespace bmcp::bus {

std::string BusCounters::summary() const {
  return fmt::format(
      "routed={} delivered={} filtered_by_level={} held={} hold_overflow={} hold_expired={} "
      "stream_overflow={} budget_dropped={} record_too_large={} pending_jobs_evicted={} "
      "pending_jobs_expired={}",
      routed.load(), delivered.load(), filtered_by_level.load(), held.load(), hold_overflow.load(),
      hold_expired.load(), stream_overflow.load(), budget_dropped.load(), record_too_large.load(),
      pending_jobs_evicted.load(), pending_jobs_expired.load());
}

std::uint64_t BusCounters::losses() const {
  return hold_overflow.load() + hold_expired.load() + stream_overflow.load() +
         budget_dropped.load() + pending_jobs_evicted.load() + pending_jobs_expired.load();
}

}  // namespace bmcp::bus
