#pragma once

#include <cstddef>
#include <string>
#include <string_view>

#include "core/json_text.hpp"
#include "core/result.hpp"
#include "jobs/job_record.hpp"

namespace bmcp::feedrelay {

// The console events one node of a cluster passes to the others (pub/sub on bmcp:console).
// Job progress, results and images are not among them: every node already hears every job
// update on bmcp:jobs and shows it once it knows the job (from kJobStarted).
enum class RelayedKind { kRecord, kJobStarted, kJobTimedOut, kJobCancelled, kJobForgotten };

struct RelayedEvent {
  std::string node_id;  // the node where it happened (it shows the event itself)
  std::string user_id;
  RelayedKind kind = RelayedKind::kRecord;
  json::object record;      // kRecord: a bus tail record (ConsoleFeed::send_record's shape)
  jobs::JobRecord job;      // kJobStarted: job_id, command, target_uuids, created_at
  bool track_only = false;  // kJobStarted: a bus job (tracked) rather than a dispatch
  std::string job_id;       // kJobTimedOut, kJobCancelled, kJobForgotten
};

// The largest event text accepted; a tail record's payload is cut to a summary first, so a
// real event stays far below (target lists aside, about a kilobyte).
inline constexpr std::size_t kMaxRelayedBytes = 64 * 1024;

// JSON text: {"v":1,"node","user","kind":"record"|"job_started"|"job_timed_out"|
// "job_cancelled"|"job_forgotten", "record"? | "job"?,"track_only"? | "job_id"?}.
std::string encode_relayed(const RelayedEvent& event);
// The event in `text`, or an error naming what was wrong (not JSON, too large, a field
// missing or of the wrong type). A record is rebuilt from its known fields only.
Result<RelayedEvent, std::string> decode_relayed(std::string_view text);

}  // namespace bmcp::feedrelay
