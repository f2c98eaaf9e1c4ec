#pragma once

#include <string>

#include "bus/bus.hpp"
#include "bus/bus_service.hpp"
#include "jobs/job_record.hpp"

namespace bmcp::console {

// What the console learns from the bus and the job store, through ObservedBus and
// ObservedJobStore. Each call runs on the thread that made the observed call, after it
// (job starts: possibly with the bus lock held), so implementations take only leaf locks.
class FeedObserver {
 public:
  virtual ~FeedObserver() = default;

  // A send on the user's bus was routed (or refused: outcome.refused).
  virtual void on_send(const std::string& user_id, const bus::SendRequest& request,
                       const bus::SendOutcome& outcome) = 0;
  // A blender_job_update was routed on the user's bus.
  virtual void on_job_update_routed(const std::string& user_id, const bus::JobUpdate& update,
                                    const bus::JobUpdateOutcome& outcome) = 0;
  // The user's clients may have changed (a registration, an unregistration, a session end).
  virtual void on_clients_changed(const std::string& user_id) = 0;
  // The user was removed (or removed and created again): its bus is gone.
  virtual void on_user_dropped(const std::string& user_id) = 0;

  // A job started (dispatch: start; bus: track_only).
  virtual void on_job_started(const std::string& user_id, const jobs::JobRecord& record,
                              bool track_only) = 0;
  virtual void on_job_event(const bus::JobEvent& event) = 0;
  virtual void on_job_timed_out(const std::string& user_id, const std::string& job_id) = 0;
  virtual void on_job_cancelled(const std::string& user_id, const std::string& job_id) = 0;
  virtual void on_job_forgotten(const std::string& user_id, const std::string& job_id) = 0;
};

}  // namespace bmcp::console
