#include "cluster/job_event_codec.hpp"

namespace bmcp::cluster {
namespace {

const json::string* string_at(const json::object& object, std::string_view key) {
  const auto* value = object.if_contains(key);
  return value && value->is_string() ? &value->get_string() : nullptr;
}

bool bool_at(const json::object& object, std::string_view key) {
  const auto* value = object.if_contains(key);
  return value && value->is_bool() && value->get_bool();
}

std::optional<bus::JobUpdate> decode_update(const json::object& object) {
  const auto* job_id = string_at(object, "job_id");
  const auto* status = string_at(object, "status");
  if (!job_id || !status)
    return std::nullopt;
  bus::JobUpdate update;
  update.job_id = *job_id;
  update.status = *status;
  if (const auto* result = string_at(object, "result"))
    update.result = *result;
  if (const auto* error = string_at(object, "error"))
    update.error = *error;
  if (const auto* progress = object.if_contains("progress"); progress && progress->is_number())
    update.progress = progress->to_number<double>();
  if (const auto* message = string_at(object, "progress_message"))
    update.progress_message = std::string(*message);
  if (const auto* images = object.if_contains("images"); images && images->is_array()) {
    auto parsed = bus::parse_job_images(images->get_array());
    if (!parsed)
      return std::nullopt;
    update.images = std::make_shared<const bus::JobImages>(std::move(parsed.value()));
  }
  return update;
}

}  // namespace

std::string encode_job_event(const std::string& node_id, const bus::JobEvent& event) {
  const auto& update = event.update;
  json::object encoded{{"job_id", update.job_id},
                       {"status", update.status},
                       {"result", update.result},
                       {"error", update.error}};
  if (update.progress)
    encoded["progress"] = *update.progress;
  if (update.progress_message)
    encoded["progress_message"] = *update.progress_message;
  if (update.images && !update.images->empty())
    encoded["images"] = bus::job_images_json(*update.images);
  return to_json_text(json::object{{"node", node_id},
                                   {"user", event.user_id},
                                   {"terminal", event.terminal},
                                   {"pending", event.pending},
                                   {"update", std::move(encoded)}});
}

std::optional<NodeJobEvent> decode_job_event(std::string_view text) {
  const auto parsed = parse_json(text);
  if (!parsed || !parsed->is_object())
    return std::nullopt;
  const auto& object = parsed->get_object();
  const auto* node = string_at(object, "node");
  const auto* user = string_at(object, "user");
  const auto* update = object.if_contains("update");
  if (!node || !user || !update || !update->is_object())
    return std::nullopt;
  auto decoded = decode_update(update->get_object());
  if (!decoded)
    return std::nullopt;
  NodeJobEvent event;
  event.node_id = *node;
  event.event.user_id = *user;
  event.event.update = std::move(*decoded);
  event.event.terminal = bool_at(object, "terminal");
  event.event.pending = bool_at(object, "pending");
  event.event.local = false;
  return event;
}

}  // namespace bmcp::cluster
