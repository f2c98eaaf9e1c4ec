#include "jobs/job_store.hpp"

#include <algorithm>
#include <type_traits>

namespace bmcp::jobs {
namespace {

// The user's job in `users` (a JobStore's table, const or not), or nullptr.
template <class Users>
auto* find_in(Users& users, std::string_view user_id, std::string_view job_id) {
  using Record = std::conditional_t<std::is_const_v<Users>, const JobRecord, JobRecord>;
  Record* found = nullptr;
  if (const auto user = users.find(user_id); user != users.end()) {
    if (const auto job = user->second.find(job_id); job != user->second.end())
      found = &job->second;
  }
  return found;
}

}  // namespace

JobStore::JobStore(const Clock& clock, JobStoreLimits limits) : clock_(clock), limits_(limits) {}

void JobStore::start(const std::string& user_id, JobRecord record) {
  std::lock_guard lock(mutex_);
  auto& jobs = users_[user_id];
  const std::string job_id = record.job_id;
  jobs.insert_or_assign(job_id, std::move(record));
}

void JobStore::track(const std::string& user_id, JobRecord record) {
  std::lock_guard lock(mutex_);
  auto& jobs = users_[user_id];
  auto found = jobs.find(record.job_id);
  if (found != jobs.end() && found->second.state == JobState::kPending)
    return;
  const std::string job_id = record.job_id;
  jobs.insert_or_assign(job_id, std::move(record));
}

void JobStore::mark_timed_out(const std::string& user_id, const std::string& job_id) {
  std::lock_guard lock(mutex_);
  JobRecord* record = find_in(users_, user_id, job_id);
  if (!record || record->state != JobState::kPending)
    return;
  record->state = JobState::kTimedOut;
  record->error = "timeout";
  settle_locked(user_id, *record);
}

void JobStore::mark_cancelled(const std::string& user_id, const std::string& job_id) {
  std::lock_guard lock(mutex_);
  JobRecord* record = find_in(users_, user_id, job_id);
  if (!record || record->finished())
    return;
  record->state = JobState::kCancelled;
  record->error = "cancelled by the caller";
  settle_locked(user_id, *record);
}

void JobStore::apply(const bus::JobEvent& event) {
  std::lock_guard lock(mutex_);
  JobRecord* record = find_in(users_, event.user_id, event.update.job_id);
  if (!record || record->finished())
    return;
  if (event.update.progress)
    record->progress = event.update.progress;
  const auto state = terminal_state(event.update.status);
  if (!state)
    return;
  record->state = *state;
  record->result = event.update.result;
  record->error = event.update.error;
  settle_locked(event.user_id, *record);
}

std::optional<JobRecord> JobStore::find(const std::string& user_id,
                                        const std::string& job_id) const {
  std::lock_guard lock(mutex_);
  const JobRecord* record = find_in(users_, user_id, job_id);
  return record ? std::optional<JobRecord>(*record) : std::nullopt;
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
