#include "cluster/record_text.hpp"

#include "core/log_level.hpp"

namespace bmcp::cluster {
namespace {

// A target uuid no client can have, so its JSON form cannot occur anywhere else in the text
// before it: the key is unique and comes before routing and payload. The route's target,
// when it is this marker too, comes next (before the payload).
constexpr std::string_view kMarker = kChosenTarget;

}  // namespace

RecordText split_record_text(const bus::Message& message) {
  const json::object notification{{"jsonrpc", "2.0"},
                                  {"method", "notifications/message"},
                                  {"params",
                                   {{"level", level_name(message.priority)},
                                    {"logger", bus::kBusLogger},
                                    {"data", bus::record_data(message, kMarker)}}}};
  const std::string text = to_json_text(notification);
  const std::string marker = "\"target_uuid\":" + json_string(kMarker);
  const auto at = text.find(marker);
  const std::string marker_text = json_string(kMarker);
  const auto cut = at + marker.size() - marker_text.size();
  RecordText parts{text.substr(0, cut), text.substr(cut + marker_text.size()), std::nullopt};
  // The route comes right after the recipient, before the payload: its target is the first
  // marker there.
  const auto* route_target = message.routing.if_contains("target_uuid");
  const bool chosen = route_target && route_target->is_string() &&
                      route_target->get_string() == json::string_view(kMarker);
  if (const auto route_at = chosen ? parts.after.find(marker_text) : std::string::npos;
      route_at != std::string::npos) {
    parts.after_route = parts.after.substr(route_at + marker_text.size());
    parts.after.resize(route_at);
  }
  return parts;
}

std::string json_string(std::string_view text) {
  return to_json_text(json::value(json::string(text)));
}

}  // namespace bmcp::cluster
