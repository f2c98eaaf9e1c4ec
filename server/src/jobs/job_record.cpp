#include "jobs/job_record.hpp"

#include "bus/message.hpp"

namespace bmcp::jobs {

std::string_view state_name(JobState state) {
  switch (state) {
    case JobState::kPending:
      return "pending";
    case JobState::kTimedOut:
      return "timed_out";
    case JobState::kCompleted:
      return "completed";
    case JobState::kFailed:
      return "failed";
    case JobState::kCancelled:
      return "cancelled";
  }
  return "pending";
}

std::optional<JobState> terminal_state(std::string_view status) {
  if (status == "completed")
    return JobState::kCompleted;
  if (status == "failed")
    return JobState::kFailed;
  if (status == "cancelled")
    return JobState::kCancelled;
  return std::nullopt;
}

bool JobRecord::finished() const {
  return state == JobState::kCompleted || state == JobState::kFailed ||
         state == JobState::kCancelled;
}

json::object JobRecord::to_json() const {
  json::array targets;
  for (const auto& uuid : target_uuids)
    targets.emplace_back(uuid);
  json::object out{{"job_id", job_id}};
  if (command)
    out["command"] = *command;
  out["target_uuids"] = std::move(targets);
  out["state"] = state_name(state);
  out["result"] = result;
  out["error"] = error;
  if (progress)
    out["progress"] = *progress;
  out["created_at"] = bus::wire_timestamp(created_at);
  if (finished_at)
    out["finished_at"] = bus::wire_timestamp(*finished_at);
  return out;
}

}  // namespace bmcp::jobs
