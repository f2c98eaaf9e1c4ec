#pragma once

#include <chrono>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>

#include "bus/bus_service.hpp"
#include "core/scheduler.hpp"
#include "jobs/job_store.hpp"
#include "jobs/job_waiter.hpp"

namespace bmcp::jobs {

struct DispatchRequest {
  std::string user_id;
  std::string command;  // the addon command, e.g. get_scene_info
  json::object params;
  std::string target_uuid;  // empty: auto-pick
  std::chrono::duration<double> timeout{30.0};
};

// What a finished dispatch answers: the envelope (contract §5.2) and the pictures the job's
// reply carried (null for every envelope but a reply with images; docs/images.md).
struct DispatchReply {
  json::object envelope;
  bus::SharedJobImages images;
};
// Receives the reply of a finished dispatch (exactly once, unless it was cancelled).
using DispatchDone = std::function<void(DispatchReply reply)>;
// Receives progress of a running dispatch: percent 0..100 and the peer's note.
using DispatchProgress = std::function<void(double percent, std::optional<std::string> message)>;

class Dispatcher;

// One dispatch in flight. Exactly one of reply, timeout and cancel settles it.
// Thread safety: all methods are safe from any thread.
class DispatchCall : public std::enable_shared_from_this<DispatchCall> {
 public:
  DispatchCall(Dispatcher& dispatcher, DispatchRequest request, std::string target_uuid,
               std::string job_id, DispatchDone done, DispatchProgress progress);

  const std::string& job_id() const { return job_id_; }
  const std::string& target_uuid() const { return target_uuid_; }
  // The caller gave up (notifications/cancelled, end of its session): stop waiting, mark
  // the job cancelled and tell the peer. No envelope is delivered.
  void cancel();

 private:
  friend class Dispatcher;
  bool settle();
  void on_reply(const bus::JobUpdate& update);
  void on_progress(const bus::JobUpdate& update);
  void on_timeout();
  // The send was refused (nothing routed): undo the waiter, the timer and the job record and
  // answer `envelope`.
  void fail_unsent(json::object envelope);

  Dispatcher& dispatcher_;
  const DispatchRequest request_;
  const std::string target_uuid_;
  const std::string job_id_;
  const DispatchDone done_;
  const DispatchProgress progress_;

  std::mutex mutex_;
  bool settled_ = false;
  Scheduler::TaskId timer_ = 0;
};

// The dispatch round trip (contract §5.2): choose the target, register the waiter, record the
// pending job, send the command_dispatch record, and wait for the terminal job update or the
// timeout without blocking any thread.
// Thread safety: all methods are safe from any thread.
class Dispatcher {
 public:
  Dispatcher(bus::BusService& bus, JobWaiter& waiter, JobStore& store, Scheduler& scheduler,
             const Clock& clock);

  // Starts one dispatch. On a target error (or a command too large to send) `done` is called at
  // once and nullptr returned; otherwise the call is returned (keep it to cancel it).
  std::shared_ptr<DispatchCall> dispatch(DispatchRequest request, DispatchDone done,
                                         DispatchProgress progress = {});

 private:
  friend class DispatchCall;

  bus::BusService& bus_;
  JobWaiter& waiter_;
  JobStore& store_;
  Scheduler& scheduler_;
  const Clock& clock_;
};

// "server-dispatch:<user_id>": the origin of dispatch records and of their pending jobs.
std::string dispatch_origin(std::string_view user_id);
// "j-" and 12 lowercase hex characters from a CSPRNG.
std::string new_dispatch_job_id();

}  // namespace bmcp::jobs
