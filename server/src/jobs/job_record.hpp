#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/clock.hpp"
#include "core/json_text.hpp"

namespace bmcp::jobs {

enum class JobState { kPending, kTimedOut, kCompleted, kFailed, kCancelled };
// pending, timed_out, completed, failed, cancelled
std::string_view state_name(JobState state);
// The state a terminal job-update status leads to; nullopt for non-terminal statuses.
std::optional<JobState> terminal_state(std::string_view status);

// What the server knows of one job, as `blender_get_job` reports it.
struct JobRecord {
  std::string job_id;
  std::optional<std::string> command;  // dispatch jobs only
  std::vector<std::string> target_uuids;
  JobState state = JobState::kPending;
  std::string result;
  std::string error;
  std::optional<double> progress;
  double created_at = 0;                 // Unix seconds
  std::optional<double> finished_at;     // Unix seconds; set when it finished or timed out
  std::optional<SteadyTime> settled_at;  // when retention started (finished or timed out)

  bool finished() const;
  // {"job_id","command"?,"target_uuids","state","result","error","progress"?,"created_at",
  //  "finished_at"?}
  json::object to_json() const;
};

}  // namespace bmcp::jobs
