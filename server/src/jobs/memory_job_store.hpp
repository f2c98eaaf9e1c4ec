#pragma once

#include <chrono>
#include <cstdint>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>

#include "jobs/job_store.hpp"

namespace bmcp::jobs {

// The job store of one node: every user's jobs in this process's memory, lost when it stops.
// Thread safety: all methods are safe from any thread (one leaf lock).
class MemoryJobStore final : public JobStore {
 public:
  MemoryJobStore(const Clock& clock, JobStoreLimits limits);

  void start(const std::string& user_id, JobRecord record) override;
  void track(const std::string& user_id, JobRecord record) override;
  void mark_timed_out(const std::string& user_id, const std::string& job_id) override;
  void mark_cancelled(const std::string& user_id, const std::string& job_id) override;
  void forget(const std::string& user_id, const std::string& job_id) override;
  void apply(const bus::JobEvent& event) override;
  Result<std::optional<JobRecord>, std::string> find(const std::string& user_id,
                                                     const std::string& job_id) const override;
  void sweep() override;

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
