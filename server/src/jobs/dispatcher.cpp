#include "jobs/dispatcher.hpp"

#include "core/random.hpp"
#include "jobs/envelope.hpp"
#include "jobs/target_choice.hpp"

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
  const auto candidates = parts_.bus.clients_of_type(request.user_id, "blender");
  if (!candidates) {
    done({unavailable_envelope(request.command, candidates.error().detail), nullptr});
    return nullptr;
  }
  auto target = choose_target(*candidates, request.target_uuid);
  if (!target) {
    done({target_error_envelope(request.command, target.error()), nullptr});
    return nullptr;
  }
  const std::string user = request.user_id;
  std::string new_job_id = new_dispatch_job_id();
  bus::SendRequest send;
  send.route = bus::Route::direct(*target);
  send.payload = json::object{{"message_type", "command_dispatch"},
                              {"job_id", new_job_id},
                              {"command", request.command},
                              {"params", request.params}};
  send.priority = LogLevel::kInfo;
  send.origin = dispatch_origin(user);
  send.job_id = new_job_id;
  // Refused before anything is recorded, so a call too large to send leaves no trace.
  if (const auto refusal = parts_.bus.size_refusal(user, send)) {
    done({record_too_large_envelope(request.command, *target, refusal->detail), nullptr});
    return nullptr;
  }
  auto call =
      std::make_shared<DispatchCall>(parts_, std::move(request), *target, std::move(new_job_id),
                                     std::move(done), std::move(progress));
  const auto& job_id = call->job_id();
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
  JobRecord record;
  record.job_id = job_id;
  record.command = call->request_.command;
  record.target_uuids = {*target};
  record.created_at = clock_.unix_seconds();
  parts_.store.start(user, std::move(record));

  // The timer holds the call alive until the job settles one way or another.
  const auto timeout = std::chrono::duration_cast<std::chrono::nanoseconds>(call->request_.timeout);
  {
    std::lock_guard lock(call->mutex_);
    call->timer_ = parts_.scheduler.schedule_after(timeout, [call] { call->on_timeout(); });
  }
  const auto sent = parts_.bus.send(user, send, true);
  if (sent.refused) {
    // Nothing was routed (the shared store could not be reached): the call ends now.
    const auto& command = call->request_.command;
    call->fail_unsent(
        sent.refused->error == "record_too_large"
            ? record_too_large_envelope(command, call->target_uuid_, sent.refused->detail)
            : unavailable_envelope(command, sent.refused->detail));
    return nullptr;
  }
  return call;
}

DispatchCall::DispatchCall(DispatchParts parts, DispatchRequest request, std::string target_uuid,
                           std::string job_id, DispatchDone done, DispatchProgress progress)
    : parts_(parts),
      request_(std::move(request)),
      target_uuid_(std::move(target_uuid)),
      job_id_(std::move(job_id)),
      done_(std::move(done)),
      progress_(std::move(progress)) {}

bool DispatchCall::settle() {
  std::lock_guard lock(mutex_);
  if (settled_)
    return false;
  settled_ = true;
  return true;
}

void DispatchCall::on_reply(const bus::JobUpdate& update) {
  if (!settle())
    return;
  parts_.scheduler.cancel(timer_);
  done_({reply_envelope(request_.command, target_uuid_, job_id_, update), update.images});
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
  if (!settle())
    return;
  // The pending entry stays (marked timed out in the store) so a late reply is kept.
  parts_.waiter.remove(request_.user_id, job_id_);
  parts_.store.mark_timed_out(request_.user_id, job_id_);
  done_({timeout_envelope(request_.command, target_uuid_, job_id_, request_.timeout.count()),
         nullptr});
}

void DispatchCall::fail_unsent(json::object envelope) {
  if (!settle())
    return;
  parts_.scheduler.cancel(timer_);
  parts_.waiter.remove(request_.user_id, job_id_);
  parts_.store.forget(request_.user_id, job_id_);
  done_({std::move(envelope), nullptr});
}

void DispatchCall::cancel() {
  if (!settle())
    return;
  parts_.scheduler.cancel(timer_);
  const auto& user = request_.user_id;
  parts_.waiter.remove(user, job_id_);
  parts_.store.mark_cancelled(user, job_id_);
  // As on timeout (contract §4.7), the pending entry stays until the target's terminal reply
  // (the addon answers `cancelled`) or its TTL: a late reply then goes direct to the dispatch
  // origin, which is no client, instead of falling back to a broadcast to every client.
  bus::SendRequest notice;
  notice.route = bus::Route::direct(target_uuid_);
  notice.payload = json::object{{"message_type", "cancel"}, {"job_id", job_id_}};
  notice.priority = LogLevel::kNotice;
  notice.origin = dispatch_origin(user);
  notice.job_id = job_id_;
  parts_.bus.send(user, notice, false);
}

}  // namespace bmcp::jobs
