#pragma once

#include <cstdint>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "bus/counters.hpp"
#include "bus/limits.hpp"
#include "core/clock.hpp"

namespace bmcp::bus {

// Who started a job and who may answer it (contract §8.8).
struct PendingJob {
  std::string originator_uuid;
  std::vector<std::string> target_uuids;
  SteadyTime created_at;
  std::uint64_t generation = 0;  // tells an entry from the one that replaced it
};

// Pending-job entries keyed by (user_id, job_id), bounded per user (the oldest is evicted) and
// in age (expire()). Each user's entries are a table of their own: no method answers anything
// about another user's job ids, so a job id used by one user tells another nothing.
// Thread safety: all methods are safe from any thread; the lock is a leaf.
class PendingJobs {
 public:
  PendingJobs(const Clock& clock, const BusLimits& limits, BusCounters& counters);

  // Creates or replaces the entry (a later send with the same job id wins), except that a send
  // from one of the entry's own targets (a peer reporting progress on the job it runs) leaves
  // the entry as it is. True when the entry was created or replaced.
  bool record(const std::string& user_id, const std::string& job_id, std::string originator_uuid,
              std::vector<std::string> target_uuids);
  std::optional<PendingJob> find(const std::string& user_id, const std::string& job_id) const;
  // Removes the entry if it is still the one of `generation`; false otherwise.
  bool close(const std::string& user_id, const std::string& job_id, std::uint64_t generation);
  // Removes the entry whatever its generation; false when there was none.
  bool remove(const std::string& user_id, const std::string& job_id);
  std::size_t count_for(const std::string& user_id) const;
  // Removes entries older than the pending-job TTL; returns how many.
  std::size_t expire();
  void drop_user(const std::string& user_id);

 private:
  using ById = std::map<std::string, PendingJob, std::less<>>;
  struct UserJobs {
    ById by_id;
    std::map<std::uint64_t, std::string> by_age;  // generation -> job id, oldest first
  };
  void erase_locked(UserJobs& jobs, ById::iterator entry);
  // Erases the entry if it exists (and is of `generation`, when given). REQUIRES: mutex_ held.
  bool erase_entry_locked(const std::string& user_id, const std::string& job_id,
                          std::optional<std::uint64_t> generation);

  const Clock& clock_;
  const BusLimits& limits_;
  BusCounters& counters_;
  mutable std::mutex mutex_;
  std::map<std::string, UserJobs, std::less<>> users_;
  std::uint64_t next_generation_ = 1;
};

}  // namespace bmcp::bus
