#pragma once

#include <chrono>
#include <cstddef>
#include <optional>
#include <string>

#include "bus/bus_service.hpp"
#include "core/result.hpp"
#include "jobs/job_record.hpp"

namespace bmcp::jobs {

struct JobStoreLimits {
  std::chrono::seconds retention{3600};      // finished and timed-out jobs stay readable this long
  std::size_t max_retained_per_user = 1000;  // oldest settled job dropped first
};

// The jobs of each user, for `blender_get_job`: started when dispatched, updated by the bus's
// job events (progress, terminal replies, late replies after a timeout), kept for a while
// after they settle. One implementation keeps them in this process (MemoryJobStore), another
// in the cluster's shared store, where every node reads them and they outlive a restart.
// Writes are best effort (a job store that cannot be reached loses that write and logs it);
// find() says when it could not look.
// Thread safety: all methods are safe from any thread.
class JobStore {
 public:
  virtual ~JobStore() = default;

  // A dispatch job, recorded once its send goes ahead. In a cluster its reply may have been
  // applied first (the bus sends before the target is known here): a store that applies
  // updates of jobs it does not know yet completes that record instead of replacing it.
  virtual void start(const std::string& user_id, JobRecord record) = 0;
  // Starts `record` unless a job of that id is already pending (a dispatch job is started with
  // its command before its send is tracked). Used for jobs started on the bus.
  virtual void track(const std::string& user_id, JobRecord record) = 0;
  virtual void mark_timed_out(const std::string& user_id, const std::string& job_id) = 0;
  virtual void mark_cancelled(const std::string& user_id, const std::string& job_id) = 0;
  // Removes a job that was started but never sent (its send was refused).
  virtual void forget(const std::string& user_id, const std::string& job_id) = 0;
  // A job update routed on the user's bus (JobEvent::local ones: each update is recorded once
  // in a cluster); ignored for jobs this store does not know.
  virtual void apply(const bus::JobEvent& event) = 0;
  // The job, nullopt when the user has no job of that id, or why the store could not be read.
  virtual Result<std::optional<JobRecord>, std::string> find(const std::string& user_id,
                                                             const std::string& job_id) const = 0;
  // Forgets settled jobs older than the retention time.
  virtual void sweep() = 0;
  // Jobs kept now, of every user, running or settled; nullopt when the store cannot say now
  // (the cluster's store while Redis cannot be reached).
  virtual std::optional<std::size_t> size() const = 0;
};

}  // namespace bmcp::jobs
