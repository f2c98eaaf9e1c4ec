#include "jobs/dispatcher.hpp"

#include "core/random.hpp"
#include "jobs/envelope.hpp"

namespace bmcp::jobs {

constexpr std::string_view kDispatchOriginPrefix = "server-dispatch:";

std::string dispatch_origin(std::string_view user_id) {
  return std::string(kDispatchOriginPrefix) + std::string(user_id);
}

bool is_dispatch_origin(std::string_view origin) {
  return origin.starts_with(kDispatchOriginPrefix);
}

std::string new_dispatch_job_id() {
  return "j-" + random_hex(6);
}

Dispatcher::Dispatcher(bus::BusService& bus, JobWaiter& waiter, JobStore& store,
                       Scheduler& scheduler, const Clock& clock)
    : parts_{bus, waiter, store, scheduler}, clock_(clock) {}

namespace {

std::string_view string_field(const json::object& object, std::string_view key) {
  const auto* field = object.if_contains(key);
  return field && field->is_string() ? std::string_view(field->get_string()) : std::string_view();
}

// `done`, telling `observer` (a copy: the call may outlive the Dispatcher) how the dispatch
// ended first.
DispatchDone observed(DispatchDone done, DispatchObserver observer, const DispatchRequest& request,
                      const Clock& clock) {
  return [done = std::move(done), observer = std::move(observer), user = request.user_id,
          command = request.command, &clock, start = clock.steady_now()](DispatchReply reply) {
    observer(DispatchOutcome{user, command, string_field(reply.envelope, "status"),
                             string_field(reply.envelope, "job_id"), clock.steady_now() - start});
    done(std::move(reply));
  };
}

}  // namespace

std::shared_ptr<DispatchCall> Dispatcher::dispatch(DispatchRequest request, DispatchDone done,
                                                   DispatchProgress progress) {
  if (observer_)
    done = observed(std::move(done), observer_, request, clock_);
  const std::string user = request.user_id;
  const std::string requested = request.target_uuid;
  auto call = std::make_shared<DispatchCall>(parts_, std::move(request), new_dispatch_job_id(),
                                             std::move(done), std::move(progress));
  const auto& job_id = call->job_id();
  bus::SendRequest send;
  send.payload = json::object{{"message_type", "command_dispatch"},
                              {"job_id", job_id},
                              {"command", call->request_.command},
                              {"params", call->request_.params}};
  send.priority = LogLevel::kInfo;
  send.origin = dispatch_origin(user);
  send.job_id = job_id;

  // The waiter is there before the record can reach the target.
  std::weak_ptr<DispatchCall> weak = call;
  parts_.waiter.add(
      user, job_id,
      [weak](const bus::JobUpdate& update) {
        if (auto alive = weak.lock())
          alive->on_reply(update);
      },
      [weak](const bus::JobUpdate& update) {
        if (auto alive = weak.lock())
          alive->on_progress(update);
      });
  const auto sent =
      parts_.bus.send_to_chosen(user, "blender", requested, std::move(send), true,
                                [&](const std::string& target) { call->chosen(target, clock_); });
  const auto& command = call->request_.command;
  if (sent.target_error) {
    call->fail_unsent(target_error_envelope(command, *sent.target_error));
    return nullptr;
  }
  if (sent.outcome.refused) {
    // Nothing was routed (too large, or the shared store could not be reached).
    call->fail_unsent(
        sent.outcome.refused->error == "record_too_large"
            ? record_too_large_envelope(command, sent.target, sent.outcome.refused->detail)
            : unavailable_envelope(command, sent.outcome.refused->detail));
    return nullptr;
  }
  return call;
}

DispatchCall::DispatchCall(DispatchParts parts, DispatchRequest request, std::string job_id,
                           DispatchDone done, DispatchProgress progress)
    : parts_(parts),
      request_(std::move(request)),
      job_id_(std::move(job_id)),
      done_(std::move(done)),
      progress_(std::move(progress)) {}

std::optional<std::string> DispatchCall::settle() {
  std::lock_guard lock(mutex_);
  if (settled_)
    return std::nullopt;
  settled_ = true;
  return target_uuid_;
}

void DispatchCall::chosen(const std::string& target, const Clock& clock) {
  JobRecord record;
  record.job_id = job_id_;
  record.command = request_.command;
  record.target_uuids = {target};
  record.created_at = clock.unix_seconds();
  parts_.store.start(request_.user_id, std::move(record));
  // Armed only now, so a timeout always finds the target known and the job recorded. The timer
  // holds the call alive until the job settles one way or another.
  const auto timeout = std::chrono::duration_cast<std::chrono::nanoseconds>(request_.timeout);
  std::optional<bus::JobUpdate> early;
  {
    std::lock_guard lock(mutex_);
    target_uuid_ = target;
    started_ = true;
    early.swap(early_reply_);
    timer_ = parts_.scheduler.schedule_after(timeout,
                                             [self = shared_from_this()] { self->on_timeout(); });
  }
  if (early)
    on_reply(*early);
}

void DispatchCall::on_reply(const bus::JobUpdate& update) {
  std::string target;
  {
    std::lock_guard lock(mutex_);
    if (settled_)
      return;
    if (!started_) {
      early_reply_ = update;  // answered by chosen()
      return;
    }
    settled_ = true;
    target = target_uuid_;
  }
  parts_.scheduler.cancel(timer_);
  done_({reply_envelope(request_.command, target, job_id_, update), update.images});
}

void DispatchCall::on_progress(const bus::JobUpdate& update) {
  if (!update.progress || !progress_)
    return;
  {
    std::lock_guard lock(mutex_);
    if (settled_)
      return;
  }
  progress_(*update.progress * 100.0, update.progress_message);
}

void DispatchCall::on_timeout() {
  const auto target = settle();
  if (!target)
    return;
  // The pending entry stays (marked timed out in the store) so a late reply is kept.
  parts_.waiter.remove(request_.user_id, job_id_);
  parts_.store.mark_timed_out(request_.user_id, job_id_);
  done_({timeout_envelope(request_.command, *target, job_id_, request_.timeout.count()), nullptr});
}

void DispatchCall::fail_unsent(json::object envelope) {
  if (!settle())
    return;
  parts_.waiter.remove(request_.user_id, job_id_);
  bool started = false;
  {
    std::lock_guard lock(mutex_);
    started = started_;
  }
  if (started) {
    parts_.scheduler.cancel(timer_);
    parts_.store.forget(request_.user_id, job_id_);
  }
  done_({std::move(envelope), nullptr});
}

void DispatchCall::cancel() {
  const auto target = settle();
  if (!target)
    return;
  parts_.scheduler.cancel(timer_);
  const auto& user = request_.user_id;
  parts_.waiter.remove(user, job_id_);
  parts_.store.mark_cancelled(user, job_id_);
  // As on timeout (contract §4.7), the pending entry stays until the target's terminal reply
  // (the addon answers `cancelled`) or its TTL: a late reply then goes direct to the dispatch
  // origin, which is no client, instead of falling back to a broadcast to every client.
  bus::SendRequest notice;
  notice.route = bus::Route::direct(*target);
  notice.payload = json::object{{"message_type", "cancel"}, {"job_id", job_id_}};
  notice.priority = LogLevel::kNotice;
  notice.origin = dispatch_origin(user);
  notice.job_id = job_id_;
  parts_.bus.send(user, notice, false);
}

}  // namespace bmcp::jobs
