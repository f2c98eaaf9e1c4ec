#include "console/observed_job_store.hpp"

namespace bmcp::console {

ObservedJobStore::ObservedJobStore(jobs::JobStore& inner, FeedObserver& observer)
    : inner_(inner), observer_(observer) {}

void ObservedJobStore::start(const std::string& user_id, jobs::JobRecord record) {
  inner_.start(user_id, record);
  observer_.on_job_started(user_id, record, false);
}

void ObservedJobStore::track(const std::string& user_id, jobs::JobRecord record) {
  inner_.track(user_id, record);
  observer_.on_job_started(user_id, record, true);
}

void ObservedJobStore::mark_timed_out(const std::string& user_id, const std::string& job_id) {
  inner_.mark_timed_out(user_id, job_id);
  observer_.on_job_timed_out(user_id, job_id);
}

void ObservedJobStore::mark_cancelled(const std::string& user_id, const std::string& job_id) {
  inner_.mark_cancelled(user_id, job_id);
  observer_.on_job_cancelled(user_id, job_id);
}

void ObservedJobStore::forget(const std::string& user_id, const std::string& job_id) {
  inner_.forget(user_id, job_id);
  observer_.on_job_forgotten(user_id, job_id);
}

void ObservedJobStore::apply(const bus::JobEvent& event) {
  inner_.apply(event);
  observer_.on_job_event(event);
}

Result<std::optional<jobs::JobRecord>, std::string> ObservedJobStore::find(
    const std::string& user_id, const std::string& job_id) const {
  return inner_.find(user_id, job_id);
}

void ObservedJobStore::sweep() {
  inner_.sweep();
}

std::optional<std::size_t> ObservedJobStore::size() const {
  return inner_.size();
}

}  // namespace bmcp::console
