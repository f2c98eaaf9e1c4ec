#include "jobs/job_waiter.hpp"

namespace bmcp::jobs {

bool JobWaiter::add(const std::string& user_id, const std::string& job_id, OnReply on_reply,
                    OnProgress on_progress) {
  std::lock_guard lock(mutex_);
  return waiting_
      .try_emplace({user_id, job_id}, Waiting{std::move(on_reply), std::move(on_progress)})
      .second;
}

bool JobWaiter::remove(const std::string& user_id, const std::string& job_id) {
  std::lock_guard lock(mutex_);
  return waiting_.erase({user_id, job_id}) > 0;
}

void JobWaiter::on_event(const bus::JobEvent& event) {
  if (!event.pending)
    return;
  Waiting woken;
  {
    std::lock_guard lock(mutex_);
    const auto found = waiting_.find({event.user_id, event.update.job_id});
    if (found == waiting_.end())
      return;
    if (!event.terminal) {
      woken.on_progress = found->second.on_progress;
    } else {
      woken = std::move(found->second);
      waiting_.erase(found);
    }
  }
  if (event.terminal) {
    woken.on_reply(event.update);
  } else if (woken.on_progress) {
    woken.on_progress(event.update);
  }
}

std::size_t JobWaiter::size() const {
  std::lock_guard lock(mutex_);
  return waiting_.size();
}

}  // namespace bmcp::jobs
