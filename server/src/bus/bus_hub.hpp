#pragma once

#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "bus/bus.hpp"
#include "bus/job_update.hpp"
#include "bus/pending_jobs.hpp"

namespace bmcp::bus {

enum class JobUpdateError { kNotJobTarget, kRecordTooLarge };
// The error word: not_job_target, record_too_large.
std::string_view error_word(JobUpdateError error);

struct JobUpdateOutcome {
  bool direct = false;  // routed to the originator; otherwise broadcast on the caller's bus
  SendOutcome sent;
};

// Every job update that was routed, for the layers that wait on jobs. `pending` says whether
// it matched a pending entry of its user (only then may it wake a waiter).
struct JobEvent {
  std::string user_id;
  JobUpdate update;
  bool terminal = false;
  bool pending = false;
};
using JobListener = std::function<void(const JobEvent& event)>;

// A job whose pending entry was just recorded by a tracked send, before any recipient can see
// its record.
struct JobStart {
  std::string user_id;
  std::string job_id;
  std::vector<std::string> target_uuids;
};
// Runs under the bus's lock (so that it sees the job before its reply can exist): it must be
// quick and take only leaf locks.
using JobStartListener = std::function<void(const JobStart& start)>;

// One client as operators count it (no uuid: counts must not name clients).
struct ClientState {
  std::string client_type;
  bool online = false;
};

struct HubCounts {
  std::size_t buses = 0;    // users whose bus holds at least one client
  std::size_t clients = 0;  // clients on all buses
};

// All buses, one per user id, created on first use, and the pending-job table. Nothing here
// routes between buses: every call names the one user it acts for.
// Thread safety: all methods are safe from any thread; listeners are added before serving.
// Job listeners run outside every lock; job-start listeners under the bus's lock.
class BusHub {
 public:
  BusHub(const Clock& clock, BusLimits limits);

  // The user's bus, created if needed.
  std::shared_ptr<Bus> bus_for(const std::string& user_id);
  // The user's bus if it exists.
  std::shared_ptr<Bus> find(const std::string& user_id) const;

  // Routes a send on the user's bus. With `track_job`, the pending-job entry
  // (originator = request.origin, targets = the resolved recipients) is recorded before any
  // recipient can see the record.
  SendOutcome send(const std::string& user_id, const SendRequest& request, bool track_job);

  // blender_job_update from `session_id` of `user_id` (contract §8.8), looking only at that
  // user's pending entries: a job id that only another user has is an unknown job here, so it
  // is broadcast on the caller's bus and the other user's entry is not touched (the contract's
  // cross_user_job_update answer would tell the caller that the id is in use elsewhere).
  Result<JobUpdateOutcome, JobUpdateError> job_update(const std::string& user_id,
                                                      const std::string& session_id,
                                                      const JobUpdate& update);
  void add_job_listener(JobListener listener);
  void add_job_start_listener(JobStartListener listener);

  // A session of the user ended (its ephemeral clients leave, persistent ones go offline).
  void end_session(const std::string& user_id, const std::string& session_id);
  // The user was removed: its bus and pending jobs are dropped.
  void drop_user(const std::string& user_id);
  // Applies the time bounds: held records and pending jobs past their TTL.
  void sweep();

  HubCounts counts() const;
  // Every client on every bus, in no particular order.
  std::vector<ClientState> client_states() const;
  std::size_t pending_jobs_for(const std::string& user_id) const;
  PendingJobs& pending_jobs() { return pending_jobs_; }
  const BusCounters& counters() const { return counters_; }
  const BusLimits& limits() const { return limits_; }

 private:
  std::vector<std::shared_ptr<Bus>> all_buses() const;

  const Clock& clock_;
  const BusLimits limits_;
  BusCounters counters_;
  PendingJobs pending_jobs_;
  std::vector<JobListener> job_listeners_;
  std::vector<JobStartListener> job_start_listeners_;

  mutable std::mutex mutex_;
  std::map<std::string, std::shared_ptr<Bus>, std::less<>> buses_;
};

// The origin of records the server sends for a user: "server:<user_id>".
std::string server_origin(std::string_view user_id);

}  // namespace bmcp::bus
