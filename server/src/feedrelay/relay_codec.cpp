#include "feedrelay/relay_codec.hpp"

#include <array>
#include <utility>

namespace bmcp::feedrelay {
namespace {

constexpr std::size_t kMaxIdBytes = 256;
constexpr std::size_t kMaxTextBytes = 4096;

constexpr std::array<std::pair<RelayedKind, std::string_view>, 5> kKindNames{{
    {RelayedKind::kRecord, "record"},
    {RelayedKind::kJobStarted, "job_started"},
    {RelayedKind::kJobTimedOut, "job_timed_out"},
    {RelayedKind::kJobCancelled, "job_cancelled"},
    {RelayedKind::kJobForgotten, "job_forgotten"},
}};

std::string_view kind_name(RelayedKind kind) {
  for (const auto& [value, name] : kKindNames)
    if (value == kind)
      return name;
  return "record";
}

json::array strings_json(const std::vector<std::string>& values) {
  json::array out;
  for (const auto& value : values)
    out.emplace_back(value);
  return out;
}

// Reads the fields of one JSON object, remembering the first thing that was wrong.
class Fields {
 public:
  Fields(const json::object& object, std::string where)
      : object_(object), where_(std::move(where)) {}

  std::optional<std::string> text(std::string_view key, std::size_t max_bytes, bool required) {
    const auto* value = object_.if_contains(key);
    if (!value) {
      if (required)
        fail(key, "is missing");
      return std::nullopt;
    }
    if (!value->is_string())
      return fail(key, "is not a string"), std::nullopt;
    if (value->get_string().size() > max_bytes)
      return fail(key, "is longer than " + std::to_string(max_bytes) + " bytes"), std::nullopt;
    return std::string(value->get_string());
  }
  std::optional<double> number(std::string_view key) {
    const auto* value = object_.if_contains(key);
    if (!value || !value->is_number())
      return fail(key, "is not a number"), std::nullopt;
    return value->to_number<double>();
  }
  std::optional<std::vector<std::string>> text_list(std::string_view key, bool required) {
    const auto* value = object_.if_contains(key);
    if (!value) {
      if (required)
        fail(key, "is missing");
      return std::nullopt;
    }
    if (!value->is_array())
      return fail(key, "is not an array"), std::nullopt;
    std::vector<std::string> out;
    for (const auto& item : value->get_array()) {
      if (!item.is_string() || item.get_string().size() > kMaxIdBytes)
        return fail(key, "holds something other than short strings"), std::nullopt;
      out.emplace_back(item.get_string());
    }
    return out;
  }
  const json::object* object(std::string_view key) {
    const auto* value = object_.if_contains(key);
    if (!value || !value->is_object())
      return fail(key, "is not an object"), nullptr;
    return &value->get_object();
  }
  bool ok() const { return error_.empty(); }
  const std::string& error() const { return error_; }

 private:
  void fail(std::string_view key, const std::string& what) {
    if (error_.empty())
      error_ = where_ + std::string(key) + " " + what;
  }

  const json::object& object_;
  std::string where_;
  std::string error_;
};

// A tail record rebuilt from the fields ConsoleFeed::send_record and job_update_record write.
Result<json::object, std::string> decode_record(const json::object& in) {
  Fields fields(in, "record.");
  json::object out;
  const auto kind = fields.text("kind", 32, true);
  if (kind && *kind != "send" && *kind != "job_update")
    return Unexpected{std::string("record.kind is neither send nor job_update")};
  const auto at = fields.number("at");
  const auto from = fields.text("from", kMaxIdBytes, true);
  const auto to = fields.text_list("to", true);
  const auto priority = fields.text("priority", 32, true);
  const auto* routing = fields.object("routing");
  const auto job_id = fields.text("job_id", kMaxIdBytes, true);
  const auto summary = fields.text("summary", kMaxTextBytes, true);
  const auto refused = fields.text("refused", kMaxTextBytes, false);
  const auto offline = fields.text_list("offline", false);
  const auto dropped = fields.text_list("dropped", false);
  if (!fields.ok())
    return Unexpected{fields.error()};
  out = json::object{{"kind", *kind},         {"at", *at},
                     {"from", *from},         {"to", strings_json(*to)},
                     {"priority", *priority}, {"routing", *routing},
                     {"job_id", *job_id},     {"summary", *summary}};
  if (refused)
    out["refused"] = *refused;
  if (offline)
    out["offline"] = strings_json(*offline);
  if (dropped)
    out["dropped"] = strings_json(*dropped);
  return out;
}

Result<jobs::JobRecord, std::string> decode_job(const json::object& in) {
  Fields fields(in, "job.");
  jobs::JobRecord job;
  const auto job_id = fields.text("job_id", kMaxIdBytes, true);
  const auto command = fields.text("command", kMaxIdBytes, false);
  const auto targets = fields.text_list("target_uuids", true);
  const auto created_at = fields.number("created_at");
  if (!fields.ok())
    return Unexpected{fields.error()};
  if (job_id->empty())
    return Unexpected{std::string("job.job_id is empty")};
  job.job_id = *job_id;
  job.command = command;
  job.target_uuids = *targets;
  job.created_at = *created_at;
  return job;
}

}  // namespace

std::string encode_relayed(const RelayedEvent& event) {
  json::object out{
      {"v", 1}, {"node", event.node_id}, {"user", event.user_id}, {"kind", kind_name(event.kind)}};
  switch (event.kind) {
    case RelayedKind::kRecord:
      out["record"] = event.record;
      break;
    case RelayedKind::kJobStarted: {
      json::object job{{"job_id", event.job.job_id},
                       {"target_uuids", strings_json(event.job.target_uuids)},
                       {"created_at", event.job.created_at}};
      if (event.job.command)
        job["command"] = *event.job.command;
      out["job"] = std::move(job);
      out["track_only"] = event.track_only;
      break;
    }
    case RelayedKind::kJobTimedOut:
    case RelayedKind::kJobCancelled:
    case RelayedKind::kJobForgotten:
      out["job_id"] = event.job_id;
      break;
  }
  return to_json_text(out);
}

Result<RelayedEvent, std::string> decode_relayed(std::string_view text) {
  if (text.size() > kMaxRelayedBytes)
    return Unexpected{"the event is larger than " + std::to_string(kMaxRelayedBytes) + " bytes"};
  const auto parsed = parse_json(text);
  if (!parsed || !parsed->is_object())
    return Unexpected{std::string("the event is not a JSON object")};
  const auto& object = parsed->get_object();
  const auto* version = object.if_contains("v");
  if (!version || !version->is_int64() || version->get_int64() != 1)
    return Unexpected{std::string("the event's v is not 1")};
  Fields fields(object, "");
  RelayedEvent event;
  const auto node = fields.text("node", kMaxIdBytes, true);
  const auto user = fields.text("user", kMaxIdBytes, true);
  const auto kind = fields.text("kind", 32, true);
  if (!fields.ok())
    return Unexpected{fields.error()};
  if (node->empty() || user->empty())
    return Unexpected{std::string("the event's node or user is empty")};
  event.node_id = *node;
  event.user_id = *user;
  bool known = false;
  for (const auto& [value, name] : kKindNames)
    if (name == *kind) {
      event.kind = value;
      known = true;
    }
  if (!known)
    return Unexpected{"unknown kind " + *kind};
  switch (event.kind) {
    case RelayedKind::kRecord: {
      const auto* record = fields.object("record");
      if (!record)
        return Unexpected{fields.error()};
      auto decoded = decode_record(*record);
      if (!decoded)
        return Unexpected{decoded.error()};
      event.record = std::move(*decoded);
      break;
    }
    case RelayedKind::kJobStarted: {
      const auto* job = fields.object("job");
      const auto* track_only = object.if_contains("track_only");
      if (!job)
        return Unexpected{fields.error()};
      if (!track_only || !track_only->is_bool())
        return Unexpected{std::string("track_only is not a boolean")};
      auto decoded = decode_job(*job);
      if (!decoded)
        return Unexpected{decoded.error()};
      event.job = std::move(*decoded);
      event.track_only = track_only->get_bool();
      break;
    }
    case RelayedKind::kJobTimedOut:
    case RelayedKind::kJobCancelled:
    case RelayedKind::kJobForgotten: {
      const auto job_id = fields.text("job_id", kMaxIdBytes, true);
      if (!fields.ok())
        return Unexpected{fields.error()};
      if (job_id->empty())
        return Unexpected{std::string("job_id is empty")};
      event.job_id = *job_id;
      break;
    }
  }
  return event;
}

}  // namespace bmcp::feedrelay
