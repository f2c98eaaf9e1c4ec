#pragma once

#include <chrono>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>

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

// A dispatch that ended with an envelope, for operators (metrics, logs).
struct DispatchOutcome {
  std::string_view user_id;
  std::string_view command;
  std::string_view status;              // the envelope's
  std::string_view job_id;              // empty when no job was started (target errors)
  std::chrono::nanoseconds elapsed{0};  // from dispatch() to the envelope
};
// Sees every dispatch that ends with an envelope, on the thread that settles it, before the
// caller gets the envelope.
using DispatchObserver = std::function<void(const DispatchOutcome& outcome)>;

// What dispatches work with. Each must outlive every call in flight (the Dispatcher that
// started a call need not: a call keeps these references itself).
struct DispatchParts {
  bus::BusService& bus;
  JobWaiter& waiter;
  JobStore& store;
  Scheduler& scheduler;
};

class Dispatcher;

// One dispatch in flight. Exactly one of reply, timeout and cancel settles it.
// Thread safety: all methods are safe from any thread.
class DispatchCall : public std::enable_shared_from_this<DispatchCall> {
 public:
  DispatchCall(DispatchParts parts, DispatchRequest request, std::string job_id, DispatchDone done,
               DispatchProgress progress);

  const std::string& job_id() const { return job_id_; }
  // The caller gave up (notifications/cancelled, end of its session): stop waiting, mark
  // the job cancelled and tell the peer. No envelope is delivered.
  void cancel();

 private:
  friend class Dispatcher;
  // Marks the call settled; the target, or nullopt when it was settled already.
  std::optional<std::string> settle();
  // The bus chose `target` and the send goes ahead: records the job, arms the timeout, and
  // answers a reply that came before the choice was known here (a cluster's store chooses and
  // sends in one step, so a fast reply can overtake the answer).
  void chosen(const std::string& target, const Clock& clock);
  void on_reply(const bus::JobUpdate& update);
  void on_progress(const bus::JobUpdate& update);
  void on_timeout();
  // The send did not go ahead (no target, or refused): undo the waiter, the timer and the job
  // record if there was one, and answer `envelope`.
  void fail_unsent(json::object envelope);

  const DispatchParts parts_;
  const DispatchRequest request_;
  const std::string job_id_;
  const DispatchDone done_;
  const DispatchProgress progress_;

  std::mutex mutex_;
  bool settled_ = false;
  std::string target_uuid_;  // once chosen
  bool started_ = false;     // the job store has its record
  std::optional<bus::JobUpdate> early_reply_;
  Scheduler::TaskId timer_ = 0;  // armed by chosen()
};

// The dispatch round trip (contract §5.2): register the waiter, choose the target and send
// the command_dispatch record (one step of the bus), record the job, and wait for the
// terminal job update or the timeout without blocking any thread.
// Thread safety: all methods are safe from any thread.
class Dispatcher {
 public:
  Dispatcher(bus::BusService& bus, JobWaiter& waiter, JobStore& store, Scheduler& scheduler,
             const Clock& clock);

  // Starts one dispatch. On a target error (or a command too large to send) `done` is called at
  // once and nullptr returned; otherwise the call is returned (keep it to cancel it).
  std::shared_ptr<DispatchCall> dispatch(DispatchRequest request, DispatchDone done,
                                         DispatchProgress progress = {});
  // Sets the observer of finished dispatches; before serving only.
  void set_observer(DispatchObserver observer) { observer_ = std::move(observer); }

 private:
  const DispatchParts parts_;
  const Clock& clock_;
  DispatchObserver observer_;
};

// "server-dispatch:<user_id>": the origin of dispatch records and of their pending jobs.
std::string dispatch_origin(std::string_view user_id);
// Whether `origin` is a dispatch origin (of any user).
bool is_dispatch_origin(std::string_view origin);
// "j-" and 12 lowercase hex characters from a CSPRNG.
std::string new_dispatch_job_id();

}  // namespace bmcp::jobs
