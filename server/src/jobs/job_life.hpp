#pragma once

#include "bus/bus_service.hpp"
#include "core/clock.hpp"
#include "jobs/job_store.hpp"
#include "jobs/job_waiter.hpp"

namespace bmcp::jobs {

// The one owner of the life of every job on this node's bus: it records each job once and
// keeps the record up to date with the job's events before it wakes the call waiting for it,
// so that a caller who is answered finds the job finished in `blender_get_job`.
// - Dispatch jobs are recorded by the Dispatcher, with their command, before they are sent;
//   bus jobs (a tracked blender_send_message) are recorded when their send is tracked.
// - Each job event goes to the store first, then to the waiter.
// Construct it before anything is sent on the bus; it must outlive the bus's use.
class JobLife {
 public:
  JobLife(bus::BusService& bus, JobStore& store, const Clock& clock);
  JobLife(const JobLife&) = delete;
  JobLife& operator=(const JobLife&) = delete;

  JobStore& store() { return store_; }
  JobWaiter& waiter() { return waiter_; }

 private:
  void on_start(const bus::JobStart& start);
  void on_event(const bus::JobEvent& event);

  JobStore& store_;
  const Clock& clock_;
  JobWaiter waiter_;
};

}  // namespace bmcp::jobs
