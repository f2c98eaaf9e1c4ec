#include "bus/pending_jobs.hpp"

#include <algorithm>

namespace bmcp::bus {

PendingJobs::PendingJobs(const Clock& clock, const BusLimits& limits, BusCounters& counters)
    : clock_(clock), limits_(limits), counters_(counters) {}

bool PendingJobs::record(const std::string& user_id, const std::string& job_id,
                         std::string originator_uuid, std::vector<std::string> target_uuids) {
  std::lock_guard lock(mutex_);
  UserJobs& jobs = users_[user_id];
  if (auto existing = jobs.by_id.find(job_id); existing != jobs.by_id.end()) {
    const auto& targets = existing->second.target_uuids;
    if (std::find(targets.begin(), targets.end(), originator_uuid) != targets.end())
      return false;  // a target reporting on its own job (progress) does not take it over
    erase_locked(jobs, existing);
  } else if (jobs.by_id.size() >= limits_.max_pending_jobs_per_user && !jobs.by_age.empty()) {
    erase_locked(jobs, jobs.by_id.find(jobs.by_age.begin()->second));
    ++counters_.pending_jobs_evicted;
  }
  const std::uint64_t generation = next_generation_++;
  jobs.by_id[job_id] = PendingJob{std::move(originator_uuid), std::move(target_uuids),
                                  clock_.steady_now(), generation};
  jobs.by_age[generation] = job_id;
  return true;
}

std::optional<PendingJob> PendingJobs::find(const std::string& user_id,
                                            const std::string& job_id) const {
  std::lock_guard lock(mutex_);
  const auto user = users_.find(user_id);
  if (user == users_.end())
    return std::nullopt;
  const auto entry = user->second.by_id.find(job_id);
  if (entry == user->second.by_id.end())
    return std::nullopt;
  return entry->second;
}

bool PendingJobs::close(const std::string& user_id, const std::string& job_id,
                        std::uint64_t generation) {
  std::lock_guard lock(mutex_);
  return erase_entry_locked(user_id, job_id, generation);
}

bool PendingJobs::remove(const std::string& user_id, const std::string& job_id) {
  std::lock_guard lock(mutex_);
  return erase_entry_locked(user_id, job_id, std::nullopt);
}

bool PendingJobs::erase_entry_locked(const std::string& user_id, const std::string& job_id,
                                     std::optional<std::uint64_t> generation) {
  const auto user = users_.find(user_id);
  if (user == users_.end())
    return false;
  const auto entry = user->second.by_id.find(job_id);
  if (entry == user->second.by_id.end() || (generation && entry->second.generation != *generation))
    return false;
  erase_locked(user->second, entry);
  if (user->second.by_id.empty())
    users_.erase(user);
  return true;
}

std::size_t PendingJobs::count_for(const std::string& user_id) const {
  std::lock_guard lock(mutex_);
  const auto user = users_.find(user_id);
  return user == users_.end() ? 0 : user->second.by_id.size();
}

std::size_t PendingJobs::expire() {
  const auto now = clock_.steady_now();
  std::size_t expired = 0;
  std::lock_guard lock(mutex_);
  for (auto user = users_.begin(); user != users_.end();) {
    UserJobs& jobs = user->second;
    // Generations grow with time, so the expired entries are the oldest ones.
    while (!jobs.by_age.empty()) {
      const auto entry = jobs.by_id.find(jobs.by_age.begin()->second);
      if (now - entry->second.created_at < limits_.pending_job_ttl)
        break;
      erase_locked(jobs, entry);
      ++expired;
    }
    user = jobs.by_id.empty() ? users_.erase(user) : std::next(user);
  }
  counters_.pending_jobs_expired += expired;
  return expired;
}

void PendingJobs::drop_user(const std::string& user_id) {
  std::lock_guard lock(mutex_);
  users_.erase(user_id);
}

void PendingJobs::erase_locked(UserJobs& jobs, ById::iterator entry) {
  jobs.by_age.erase(entry->second.generation);
  jobs.by_id.erase(entry);
}

}  // namespace bmcp::bus
