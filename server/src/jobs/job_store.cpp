#include "jobs/job_store.hpp"

#include <algorithm>

namespace bmcp::jobs {

JobStore::JobStore(const Clock& clock, JobStoreLimits limits) : clock_(clock), limits_(limits) {}

void JobStore::start(const std::string& user_id, JobRecord record) {
  std::lock_guard lock(mutex_);
  auto& jobs = users_[user_id];
  const std::string job_id = record.job_id;
  jobs.insert_or_assign(job_id, std::move(record));
}

void JobStore::mark_timed_out(const std::string& user_id, const std::string& job_id) {
  std::lock_guard lock(mutex_);
  const auto user = users_.find(user_id);
  if (user == users_.end())
    return;
  const auto job = user->second.find(job_id);
  if (job == user->second.end() || job->second.state != JobState::kPending)
    return;
  job->second.state = JobState::kTimedOut;
  job->second.error = "timeout";
  settle_locked(user_id, job->second);
}

void JobStore::mark_cancelled(const std::string& user_id, const std::string& job_id) {
  std::lock_guard lock(mutex_);
  const auto user = users_.find(user_id);
  if (user == users_.end())
    return;
  const auto job = user->second.find(job_id);
  if (job == user->second.end() || job->second.finished())
    return;
  job->second.state = JobState::kCancelled;
  job->second.error = "cancelled by the caller";
  settle_locked(user_id, job->second);
}

void JobStore::apply(const bus::JobEvent& event) {
  std::lock_guard lock(mutex_);
  const auto user = users_.find(event.user_id);
  if (user == users_.end())
    return;
  const auto job = user->second.find(event.update.job_id);
  if (job == user->second.end() || job->second.finished())
    return;
  JobRecord& record = job->second;
  if (event.update.progress)
    record.progress = event.update.progress;
  const auto state = terminal_state(event.update.status);
  if (!state)
    return;
  record.state = *state;
  record.result = event.update.result;
  record.error = event.update.error;
  settle_locked(event.user_id, record);
}

std::optional<JobRecord> JobStore::find(const std::string& user_id,
                                        const std::string& job_id) const {
  std::lock_guard lock(mutex_);
  const auto user = users_.find(user_id);
  if (user == users_.end())
    return std::nullopt;
  const auto job = user->second.find(job_id);
  if (job == user->second.end())
    return std::nullopt;
  return job->second;
}

void JobStore::sweep() {
  const auto now = clock_.steady_now();
  std::lock_guard lock(mutex_);
  for (auto user = users_.begin(); user != users_.end();) {
    std::erase_if(user->second, [&](const auto& entry) {
      const auto& settled = entry.second.settled_at;
      return settled && now - *settled >= limits_.retention;
    });
    user = user->second.empty() ? users_.erase(user) : std::next(user);
  }
}

void JobStore::settle_locked(const std::string& user_id, JobRecord& record) {
  record.finished_at = clock_.unix_seconds();
  record.settled_at = clock_.steady_now();
  trim_locked(users_[user_id]);
}

void JobStore::trim_locked(Jobs& jobs) {
  std::size_t settled = 0;
  for (const auto& [id, record] : jobs)
    settled += record.settled_at ? 1 : 0;
  while (settled > limits_.max_retained_per_user) {
    auto oldest = jobs.end();
    for (auto it = jobs.begin(); it != jobs.end(); ++it) {
      if (it->second.settled_at &&
          (oldest == jobs.end() || *it->second.settled_at < *oldest->second.settled_at)) {
        oldest = it;
      }
    }
    jobs.erase(oldest);
    --settled;
  }
}

}  // namespace bmcp::jobs
