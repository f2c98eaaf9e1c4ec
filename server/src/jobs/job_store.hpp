#pragma once

#include <chrono>
#include <map>
#include <mutex>
#include <optional>
#include <string>

#include "bus/bus_hub.hpp"
#include "jobs/job_record.hpp"

namespace bmcp::jobs {

struct JobStoreLimits {
  std::chrono::seconds retention{3600};      // finished and timed-out jobs stay readable this long
  std::size_t max_retained_per_user = 1000;  // oldest settled job dropped first
};

// The jobs of each user, for `blender_get_job`: started when dispatched, updated by the bus's
// job events (progress, terminal replies, late replies after a timeout), kept for a while
// after they settle. Thread safety: all methods are safe from any thread (one leaf lock).
class JobStore {
 public:
  JobStore(const Clock& clock, JobStoreLimits limits);

  void start(const std::string& user_id, JobRecord record);
  // Starts `record` unless a job of that id is already pending (a dispatch job is started with
  // its command before its send is tracked). Used for jobs started on the bus.
  void track(const std::string& user_id, JobRecord record);
  void mark_timed_out(const std::string& user_id, const std::string& job_id);
  void mark_cancelled(const std::string& user_id, const std::string& job_id);
  // A job update routed on the user's bus; ignored for jobs this store does not know.
  void apply(const bus::JobEvent& event);
  std::optional<JobRecord> find(const std::string& user_id, const std::string& job_id) const;
  // Forgets settled jobs older than the retention time.
  void sweep();

 private:
  using Jobs = std::map<std::string, JobRecord, std::less<>>;
  void settle_locked(const std::string& user_id, JobRecord& record);
  void trim_locked(Jobs& jobs);

  const Clock& clock_;
  const JobStoreLimits limits_;
  mutable std::mutex mutex_;
  std::map<std::string, Jobs, std::less<>> users_;
};

}  // namespace bmcp::jobs
