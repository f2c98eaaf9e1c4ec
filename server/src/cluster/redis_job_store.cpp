#include "cluster/redis_job_store.hpp"

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include "cluster/session_feed.hpp"

namespace bmcp::cluster {
namespace {

constexpr int kAttempts = 5;

std::string job_key(const std::string& user_id, const std::string& job_id) {
  return user_prefix(user_id) + "job:" + job_id;
}

std::optional<jobs::JobState> state_of(std::string_view name) {
  for (const auto state :
       {jobs::JobState::kPending, jobs::JobState::kTimedOut, jobs::JobState::kCompleted,
        jobs::JobState::kFailed, jobs::JobState::kCancelled}) {
    if (jobs::state_name(state) == name)
      return state;
  }
  return std::nullopt;
}

}  // namespace

std::string encode_job_record(const jobs::JobRecord& record) {
  auto object = record.to_json();
  // Full precision for the times (the wire form is rounded to milliseconds).
  object["created_at"] = record.created_at;
  if (record.finished_at)
    object["finished_at"] = *record.finished_at;
  return to_json_text(object);
}

std::optional<jobs::JobRecord> decode_job_record(std::string_view text) {
  const auto parsed = parse_json(text);
  if (!parsed || !parsed->is_object())
    return std::nullopt;
  const auto& object = parsed->get_object();
  const auto* job_id = object.if_contains("job_id");
  const auto* state_name = object.if_contains("state");
  if (!job_id || !job_id->is_string() || !state_name || !state_name->is_string())
    return std::nullopt;
  const auto state = state_of(state_name->get_string());
  if (!state)
    return std::nullopt;
  jobs::JobRecord record;
  record.job_id = job_id->get_string();
  record.state = *state;
  if (const auto* command = object.if_contains("command"); command && command->is_string())
    record.command = std::string(command->get_string());
  if (const auto* targets = object.if_contains("target_uuids"); targets && targets->is_array()) {
    for (const auto& uuid : targets->get_array()) {
      if (uuid.is_string())
        record.target_uuids.emplace_back(uuid.get_string());
    }
  }
  if (const auto* result = object.if_contains("result"); result && result->is_string())
    record.result = result->get_string();
  if (const auto* error = object.if_contains("error"); error && error->is_string())
    record.error = error->get_string();
  if (const auto* progress = object.if_contains("progress"); progress && progress->is_number())
    record.progress = progress->to_number<double>();
  if (const auto* created = object.if_contains("created_at"); created && created->is_number())
    record.created_at = created->to_number<double>();
  if (const auto* finished = object.if_contains("finished_at"); finished && finished->is_number())
    record.finished_at = finished->to_number<double>();
  return record;
}

RedisJobStore::RedisJobStore(SharedStore& store, const Clock& clock, jobs::JobStoreLimits limits,
                             std::chrono::seconds pending_ttl)
    : store_(store), clock_(clock), limits_(limits), pending_ttl_(pending_ttl) {}

std::string RedisJobStore::ttl_of(const jobs::JobRecord& record) const {
  const bool settled = record.state != jobs::JobState::kPending;
  return std::to_string((settled ? limits_.retention : pending_ttl_).count());
}

void RedisJobStore::write_first_record(const char* function, const std::string& user_id,
                                       const jobs::JobRecord& record) {
  store_.call_async(function,
                    {job_key(user_id, record.job_id), encode_job_record(record), ttl_of(record)},
                    [job_id = record.job_id](Result<redis::Reply, std::string> reply) {
                      if (!reply || reply->is_error())
                        spdlog::warn("cluster: job {} not recorded: {}", job_id,
                                     reply ? reply->text : reply.error());
                    });
}

void RedisJobStore::start(const std::string& user_id, jobs::JobRecord record) {
  // Without waiting. The record is started once the job's send went ahead (the store chose its
  // target), so the reply may have been applied already: bmcp_job_start then completes that
  // record instead of replacing it.
  write_first_record("bmcp_job_start", user_id, record);
}

void RedisJobStore::track(const std::string& user_id, jobs::JobRecord record) {
  write_first_record("bmcp_job_track", user_id, record);
}

template <class Change, class Create>
void RedisJobStore::update(const std::string& user_id, const std::string& job_id, Change change,
                           Create create) {
  const auto key = job_key(user_id, job_id);
  for (int attempt = 0; attempt < kAttempts; ++attempt) {
    auto current = store_.call("bmcp_job_get", {key});
    if (!current) {
      spdlog::warn("cluster: job {} not updated: {}", job_id, current.error());
      return;
    }
    std::optional<jobs::JobRecord> record;
    if (!current->is_nil())
      record = decode_job_record(current->text);
    else
      record = create();
    if (!record || !change(*record))
      return;
    const std::string expected = current->is_nil() ? "" : current->text;
    auto written =
        store_.call("bmcp_job_put", {key, expected, encode_job_record(*record), ttl_of(*record)});
    if (!written) {
      spdlog::warn("cluster: job {} not updated: {}", job_id, written.error());
      return;
    }
    if (written->integer == 1)
      return;
  }
  spdlog::warn("cluster: job {} not updated: it kept changing", job_id);
}

void RedisJobStore::mark_timed_out(const std::string& user_id, const std::string& job_id) {
  update(
      user_id, job_id,
      [this](jobs::JobRecord& record) {
        if (record.state != jobs::JobState::kPending)
          return false;
        record.state = jobs::JobState::kTimedOut;
        record.error = "timeout";
        record.finished_at = clock_.unix_seconds();
        return true;
      },
      [] { return std::optional<jobs::JobRecord>(); });
}

void RedisJobStore::mark_cancelled(const std::string& user_id, const std::string& job_id) {
  update(
      user_id, job_id,
      [this](jobs::JobRecord& record) {
        if (record.finished())
          return false;
        record.state = jobs::JobState::kCancelled;
        record.error = "cancelled by the caller";
        record.finished_at = clock_.unix_seconds();
        return true;
      },
      [] { return std::optional<jobs::JobRecord>(); });
}

void RedisJobStore::forget(const std::string& user_id, const std::string& job_id) {
  store_.call_async("bmcp_job_forget", {job_key(user_id, job_id)},
                    [](Result<redis::Reply, std::string>) {});
}

std::vector<std::string> RedisJobStore::apply_arguments(const bus::JobEvent& event) const {
  const auto& update = event.update;
  const auto state = jobs::terminal_state(update.status);
  const auto seconds = [](std::chrono::seconds value) { return std::to_string(value.count()); };
  return {job_key(event.user_id, update.job_id),
          update.job_id,
          update.progress ? fmt::format("{}", *update.progress) : "",
          state ? std::string(jobs::state_name(*state)) : "",
          update.result,
          update.error,
          fmt::format("{:.6f}", clock_.unix_seconds()),
          event.pending ? "1" : "0",
          seconds(limits_.retention),
          seconds(pending_ttl_)};
}

void RedisJobStore::apply(const bus::JobEvent& event) {
  if (!event.local)
    return;
  // One call that reads, changes and writes the record in the store, sent without waiting:
  // the bus announces the update to the other nodes after it, on the same connection.
  store_.call_async("bmcp_job_apply", apply_arguments(event),
                    [job_id = event.update.job_id](Result<redis::Reply, std::string> reply) {
                      if (!reply || reply->is_error())
                        spdlog::warn("cluster: job {} not updated: {}", job_id,
                                     reply ? reply->text : reply.error());
                    });
}

Result<std::optional<jobs::JobRecord>, std::string> RedisJobStore::find(
    const std::string& user_id, const std::string& job_id) const {
  auto reply = store_.call("bmcp_job_get", {job_key(user_id, job_id)});
  if (!reply)
    return Unexpected{reply.error()};
  if (reply->is_nil())
    return std::optional<jobs::JobRecord>();
  return decode_job_record(reply->text);
}

std::optional<std::size_t> RedisJobStore::size() const {
  auto reply = store_.call("bmcp_job_count", {});
  if (!reply || reply->type != redis::Reply::Type::kInteger || reply->integer < 0)
    return std::nullopt;
  return static_cast<std::size_t>(reply->integer);
}

}  // namespace bmcp::cluster
