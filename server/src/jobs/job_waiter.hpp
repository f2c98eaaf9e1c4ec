#pragma once

#include <functional>
#include <map>
#include <mutex>
#include <string>
#include <utility>

#include "bus/bus_hub.hpp"

namespace bmcp::jobs {

// Callers waiting for their jobs, keyed by (user_id, job_id). A waiter is registered before
// its command is sent and is woken at most once, by a terminal update of a pending job of
// exactly that user and job id; progress updates are passed on without waking it.
// Thread safety: all methods are safe from any thread; callbacks run outside the lock.
class JobWaiter {
 public:
  using OnReply = std::function<void(const bus::JobUpdate& update)>;
  using OnProgress = std::function<void(const bus::JobUpdate& update)>;

  // False when someone already waits for that job.
  bool add(const std::string& user_id, const std::string& job_id, OnReply on_reply,
           OnProgress on_progress);
  // Stops waiting (timeout, cancellation, end of the session). False when nobody waited.
  bool remove(const std::string& user_id, const std::string& job_id);
  // Feeds one routed job update (connect to BusHub::add_job_listener).
  void on_event(const bus::JobEvent& event);

  std::size_t size() const;

 private:
  struct Waiting {
    OnReply on_reply;
    OnProgress on_progress;
  };
  using Key = std::pair<std::string, std::string>;

  mutable std::mutex mutex_;
  std::map<Key, Waiting> waiting_;
};

}  // namespace bmcp::jobs
