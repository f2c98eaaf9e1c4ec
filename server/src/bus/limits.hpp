#pragma once

#include <chrono>
#include <cstddef>

namespace bmcp::bus {

// Every bound of the bus, with its default. Each one is counted when hit (BusCounters).
struct BusLimits {
  std::size_t max_clients_per_bus = 256;
  // Records held for one offline persistent client, and how long each waits.
  std::size_t offline_hold_messages = 1000;
  std::chrono::seconds offline_hold_ttl{120};
  // How long a client stays online after its session's standalone stream closed.
  std::chrono::seconds stream_grace{15};
  // Pending-job entries per user (oldest evicted first) and their lifetime without a
  // terminal reply.
  std::size_t max_pending_jobs_per_user = 10000;
  std::chrono::seconds pending_job_ttl{std::chrono::hours(24)};
};

}  // namespace bmcp::bus
