#pragma once

#include <chrono>
#include <cstdint>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>

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
  // Jobs kept now, of every user, running or settled.
  std::size_t size() const;

 private:
  using Jobs = std::map<std::string, JobRecord, std::less<>>;
  // One user's jobs and two indexes of the settled ones, kept in step: settle order
  // (a store-wide sequence number -> job id) and its inverse. Settling happens under the lock
  // and reads a monotonic clock, so settle order is also settled_at order: trimming and
  // sweeping take from the front and never walk the jobs that stay.
  struct UserJobs {
    Jobs jobs;
    std::map<std::uint64_t, std::string> settle_order;
    std::map<std::string, std::uint64_t, std::less<>> settle_sequence;
  };

  void put_locked(UserJobs& user, JobRecord record);
  void settle_locked(const std::string& user_id, JobRecord& record);
  static void unindex_locked(UserJobs& user, std::string_view job_id);
  static void forget_oldest_settled_locked(UserJobs& user);
  void trim_locked(UserJobs& user);

  const Clock& clock_;
  const JobStoreLimits limits_;
  mutable std::mutex mutex_;
  std::map<std::string, UserJobs, std::less<>> users_;
  std::uint64_t next_settle_sequence_ = 0;
};

}  // namespace bmcp::jobs
