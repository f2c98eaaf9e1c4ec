#include "console/job_log.hpp"

namespace bmcp::console {

json::object JobView::to_json() const {
  json::object out{{"job_id", record.job_id}, {"kind", record.command ? "dispatch" : "bus"}};
  if (record.command)
    out["command"] = *record.command;
  json::array targets;
  for (const auto& uuid : record.target_uuids)
    targets.emplace_back(uuid);
  out["targets"] = std::move(targets);
  out["status"] = status;
  if (record.progress)
    out["progress"] = *record.progress;
  if (progress_message)
    out["progress_message"] = *progress_message;
  out["result"] = record.result;
  out["error"] = record.error;
  out["created_at"] = record.created_at;
  if (record.finished_at)
    out["finished_at"] = *record.finished_at;
  out["late"] = late;
  return out;
}

const JobView& JobLog::start(const std::string& user_id, const jobs::JobRecord& record,
                             bool track_only) {
  auto& user = users_[user_id];
  if (auto found = user.jobs.find(record.job_id); found != user.jobs.end()) {
    // A tracked bus send of a dispatch job that already started keeps the dispatch view.
    if (track_only && !found->second.record.finished())
      return found->second;
    user.order.erase(user.sequence[record.job_id]);
  }
  const auto sequence = next_sequence_++;
  user.order[sequence] = record.job_id;
  user.sequence[record.job_id] = sequence;
  JobView view;
  view.record = record;
  view.version = sequence;
  auto& stored = user.jobs.insert_or_assign(record.job_id, std::move(view)).first->second;
  if (auto early = user.early.find(record.job_id); early != user.early.end()) {
    const auto kept = std::move(early->second);
    user.early.erase(early);
    apply_to(stored, kept.event, kept.at);
  }
  while (user.jobs.size() > max_per_user_) {
    const auto oldest = user.order.begin();
    if (oldest->second == record.job_id)
      break;  // the job just started stays (max_per_user_ is at least one)
    user.jobs.erase(oldest->second);
    user.sequence.erase(oldest->second);
    user.order.erase(oldest);
  }
  return user.jobs.at(record.job_id);
}

void JobLog::keep_early(const bus::JobEvent& event, double now) {
  auto& early = users_[event.user_id].early;
  auto& kept = early[event.update.job_id];
  // A terminal update is not replaced by a later progress one.
  if (kept.sequence != 0 && kept.event.terminal && !event.terminal)
    return;
  kept = EarlyUpdate{event, now, next_sequence_++};
  while (early.size() > kMaxEarly) {
    auto oldest = early.begin();
    for (auto it = early.begin(); it != early.end(); ++it) {
      if (it->second.sequence < oldest->second.sequence)
        oldest = it;
    }
    early.erase(oldest);
  }
}

JobView* JobLog::find(const std::string& user_id, const std::string& job_id) {
  const auto user = users_.find(user_id);
  if (user == users_.end())
    return nullptr;
  const auto job = user->second.jobs.find(job_id);
  return job == user->second.jobs.end() ? nullptr : &job->second;
}

const JobView* JobLog::apply(const bus::JobEvent& event, double now) {
  JobView* view = find(event.user_id, event.update.job_id);
  if (!view) {
    if (event.pending)
      keep_early(event, now);
    return nullptr;
  }
  return apply_to(*view, event, now);
}

const JobView* JobLog::apply_to(JobView& stored, const bus::JobEvent& event, double now) {
  JobView* view = &stored;
  const bool was_timed_out = view->record.state == jobs::JobState::kTimedOut;
  if (view->record.finished() && !was_timed_out)
    return nullptr;  // settled: later updates change nothing, as in the job store
  if (event.update.progress)
    view->record.progress = event.update.progress;
  if (event.update.progress_message)
    view->progress_message = event.update.progress_message;
  view->version = next_sequence_++;
  const auto state = jobs::terminal_state(event.update.status);
  if (!state) {
    if (!was_timed_out)
      view->status = event.update.status;
    return view;
  }
  view->late = was_timed_out;
  view->status = event.update.status;
  view->record.state = *state;
  view->record.result = event.update.result;
  view->record.error = event.update.error;
  view->record.finished_at = now;
  return view;
}

const JobView* JobLog::timed_out(const std::string& user_id, const std::string& job_id,
                                 double now) {
  JobView* view = find(user_id, job_id);
  if (!view || view->record.state != jobs::JobState::kPending)
    return nullptr;
  view->record.state = jobs::JobState::kTimedOut;
  view->record.error = "timeout";
  view->record.finished_at = now;
  view->status = "timed_out";
  view->version = next_sequence_++;
  return view;
}

const JobView* JobLog::cancelled(const std::string& user_id, const std::string& job_id,
                                 double now) {
  JobView* view = find(user_id, job_id);
  if (!view || view->record.finished())
    return nullptr;
  view->record.state = jobs::JobState::kCancelled;
  view->record.error = "cancelled by the caller";
  view->record.finished_at = now;
  view->status = "cancelled";
  view->version = next_sequence_++;
  return view;
}

bool JobLog::forget(const std::string& user_id, const std::string& job_id) {
  const auto user = users_.find(user_id);
  if (user == users_.end() || !user->second.jobs.erase(job_id))
    return false;
  user->second.order.erase(user->second.sequence[job_id]);
  user->second.sequence.erase(job_id);
  return true;
}

json::array JobLog::list(const std::string& user_id) const {
  json::array out;
  const auto user = users_.find(user_id);
  if (user == users_.end())
    return out;
  for (auto it = user->second.order.rbegin(); it != user->second.order.rend(); ++it)
    out.push_back(user->second.jobs.at(it->second).to_json());
  return out;
}

}  // namespace bmcp::console
