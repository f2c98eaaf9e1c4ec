#include "jobs/memory_job_store.hpp"

#include <type_traits>

namespace bmcp::jobs {
namespace {

// The user's job in `users` (a JobStore's table, const or not), or nullptr.
template <class Users>
auto* find_in(Users& users, std::string_view user_id, std::string_view job_id) {
  using Record = std::conditional_t<std::is_const_v<Users>, const JobRecord, JobRecord>;
  Record* found = nullptr;
  if (const auto user = users.find(user_id); user != users.end()) {
    if (const auto job = user->second.jobs.find(job_id); job != user->second.jobs.end())
      found = &job->second;
  }
  return found;
}

}  // namespace

MemoryJobStore::MemoryJobStore(const Clock& clock, JobStoreLimits limits)
    : clock_(clock), limits_(limits) {}

void MemoryJobStore::start(const std::string& user_id, JobRecord record) {
  std::lock_guard lock(mutex_);
  put_locked(users_[user_id], std::move(record));
}

void MemoryJobStore::track(const std::string& user_id, JobRecord record) {
  std::lock_guard lock(mutex_);
  auto& user = users_[user_id];
  auto found = user.jobs.find(record.job_id);
  if (found != user.jobs.end() && found->second.state == JobState::kPending)
    return;
  put_locked(user, std::move(record));
}

void MemoryJobStore::put_locked(UserJobs& user, JobRecord record) {
  // A job started again under a settled job's id replaces it and leaves the settled indexes.
  unindex_locked(user, record.job_id);
  const std::string job_id = record.job_id;
  user.jobs.insert_or_assign(job_id, std::move(record));
}

void MemoryJobStore::mark_timed_out(const std::string& user_id, const std::string& job_id) {
  std::lock_guard lock(mutex_);
  JobRecord* record = find_in(users_, user_id, job_id);
  if (!record || record->state != JobState::kPending)
    return;
  record->state = JobState::kTimedOut;
  record->error = "timeout";
  settle_locked(user_id, *record);
}

void MemoryJobStore::mark_cancelled(const std::string& user_id, const std::string& job_id) {
  std::lock_guard lock(mutex_);
  JobRecord* record = find_in(users_, user_id, job_id);
  if (!record || record->finished())
    return;
  record->state = JobState::kCancelled;
  record->error = "cancelled by the caller";
  settle_locked(user_id, *record);
}

void MemoryJobStore::apply(const bus::JobEvent& event) {
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

Result<std::optional<JobRecord>, std::string> MemoryJobStore::find(
    const std::string& user_id, const std::string& job_id) const {
  std::lock_guard lock(mutex_);
  const JobRecord* record = find_in(users_, user_id, job_id);
  return record ? std::optional<JobRecord>(*record) : std::nullopt;
}

void MemoryJobStore::forget(const std::string& user_id, const std::string& job_id) {
  std::lock_guard lock(mutex_);
  const auto user = users_.find(user_id);
  if (user == users_.end())
    return;
  unindex_locked(user->second, job_id);
  user->second.jobs.erase(job_id);
}

void MemoryJobStore::sweep() {
  const auto now = clock_.steady_now();
  std::lock_guard lock(mutex_);
  for (auto user = users_.begin(); user != users_.end();) {
    auto& entry = user->second;
    while (!entry.settle_order.empty()) {
      const auto& oldest = entry.jobs.at(entry.settle_order.begin()->second);
      if (now - *oldest.settled_at < limits_.retention)
        break;
      forget_oldest_settled_locked(entry);
    }
    user = entry.jobs.empty() ? users_.erase(user) : std::next(user);
  }
}

void MemoryJobStore::settle_locked(const std::string& user_id, JobRecord& record) {
  record.finished_at = clock_.unix_seconds();
  record.settled_at = clock_.steady_now();
  auto& user = users_[user_id];
  // A timed-out job settles again when its late reply comes: it moves to the back.
  unindex_locked(user, record.job_id);
  const auto sequence = next_settle_sequence_++;
  user.settle_order.emplace(sequence, record.job_id);
  user.settle_sequence.emplace(record.job_id, sequence);
  trim_locked(user);
}

void MemoryJobStore::unindex_locked(UserJobs& user, std::string_view job_id) {
  const auto found = user.settle_sequence.find(job_id);
  if (found == user.settle_sequence.end())
    return;
  user.settle_order.erase(found->second);
  user.settle_sequence.erase(found);
}

void MemoryJobStore::forget_oldest_settled_locked(UserJobs& user) {
  const auto oldest = user.settle_order.begin();
  user.jobs.erase(oldest->second);
  user.settle_sequence.erase(oldest->second);
  user.settle_order.erase(oldest);
}

void MemoryJobStore::trim_locked(UserJobs& user) {
  while (user.settle_order.size() > limits_.max_retained_per_user)
    forget_oldest_settled_locked(user);
}

}  // namespace bmcp::jobs
