#pragma once

#include <cstddef>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "bus/bus_service.hpp"
#include "core/json_text.hpp"
#include "jobs/job_record.hpp"

namespace bmcp::console {

// What the console shows of one job: the job store's record plus what the store does not
// keep (the latest non-terminal status and progress message, whether the result came late).
struct JobView {
  jobs::JobRecord record;
  std::string status = "pending";  // pending, then each update's status (running, ...)
  std::optional<std::string> progress_message;
  bool late = false;          // a reply arrived after the job had timed out
  std::uint64_t version = 0;  // the log's change counter when this view last changed

  // {"job_id","kind":"dispatch"|"bus","command"?,"targets","status","progress"?,
  //  "progress_message"?,"result","error","created_at","finished_at"?,"late"}
  json::object to_json() const;
};

// The latest jobs of each user as the console shows them, fed with the same calls the job
// store gets (console::ObservedJobStore). Bounded: `max_per_user` jobs per user, the oldest
// dropped first. Thread safety: none; ConsoleFeed guards it.
class JobLog {
 public:
  explicit JobLog(std::size_t max_per_user) : max_per_user_(max_per_user) {}

  // A job started (dispatch) or tracked (bus); replaces a settled job of that id. An update
  // that came before it (below) is applied to it now.
  const JobView& start(const std::string& user_id, const jobs::JobRecord& record, bool track_only);
  // Applies an update; nullptr when the job is not in the log. An update of a pending job the
  // log does not know yet is kept (the latest few per user) for its start: in a cluster a
  // dispatch is recorded once its send went ahead, and a fast reply can be heard first.
  const JobView* apply(const bus::JobEvent& event, double now);
  const JobView* timed_out(const std::string& user_id, const std::string& job_id, double now);
  const JobView* cancelled(const std::string& user_id, const std::string& job_id, double now);
  // A job that was never sent; true when it was in the log.
  bool forget(const std::string& user_id, const std::string& job_id);
  // Forgets every job of the user.
  void drop_user(const std::string& user_id) { users_.erase(user_id); }
  // The user's jobs, newest first.
  json::array list(const std::string& user_id) const;

 private:
  // An update heard before its job started, and when.
  struct EarlyUpdate {
    bus::JobEvent event;
    double at = 0;
    std::uint64_t sequence = 0;  // which early update is the oldest
  };
  struct UserJobs {
    std::map<std::string, JobView> jobs;
    std::map<std::uint64_t, std::string> order;  // start sequence -> job id
    std::map<std::string, std::uint64_t> sequence;
    std::map<std::string, EarlyUpdate> early;  // by job id, at most kMaxEarly
  };
  static constexpr std::size_t kMaxEarly = 32;
  JobView* find(const std::string& user_id, const std::string& job_id);
  // Applies `event` to `view` (which the log holds); nullptr when it changes nothing.
  const JobView* apply_to(JobView& view, const bus::JobEvent& event, double now);
  void keep_early(const bus::JobEvent& event, double now);

  const std::size_t max_per_user_;
  std::map<std::string, UserJobs> users_;
  std::uint64_t next_sequence_ = 1;
};

}  // namespace bmcp::console
