#pragma once

#include <atomic>
#include <cstdint>
#include <string>

namespace bmcp::bus {

// What the bus did with records, over all buses, for operators. Every bound that loses a
// record has its own counter.
struct BusCounters {
  std::atomic<std::uint64_t> routed{0};                // sends accepted for routing (not refused)
  std::atomic<std::uint64_t> delivered{0};             // handed to a session's event log
  std::atomic<std::uint64_t> filtered_by_level{0};     // below the recipient session's level
  std::atomic<std::uint64_t> held{0};                  // kept for an offline persistent client
  std::atomic<std::uint64_t> hold_overflow{0};         // held records pushed out by newer ones
  std::atomic<std::uint64_t> hold_expired{0};          // held records older than the hold TTL
  std::atomic<std::uint64_t> stream_overflow{0};       // undelivered events pushed out of a session
  std::atomic<std::uint64_t> budget_dropped{0};        // not kept: the user's byte budget was spent
  std::atomic<std::uint64_t> record_too_large{0};      // sends refused over max_record_bytes
  std::atomic<std::uint64_t> pending_jobs_evicted{0};  // per-user pending-job cap hit
  std::atomic<std::uint64_t> pending_jobs_expired{0};  // no terminal reply within the TTL

  // One line, e.g. "delivered=10 filtered_by_level=2 ...".
  std::string summary() const;
  // Sum of the counters that mean a record or an entry was lost.
  std::uint64_t losses() const;
};

}  // namespace bmcp::bus
