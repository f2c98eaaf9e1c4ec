#include "cluster/record_text.hpp"

#include "core/log_level.hpp"

namespace bmcp::cluster {
namespace {

// A target uuid no client can have (control characters are refused at registration), so its
// JSON form cannot occur anywhere else in the text before it: the key is unique and comes
// before routing and payload.
constexpr std::string_view kMarker = "\x01target\x01";

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
  const auto cut = at + marker.size() - json_string(kMarker).size();
  return {text.substr(0, cut), text.substr(cut + json_string(kMarker).size())};
}

std::string json_string(std::string_view text) {
  return to_json_text(json::value(json::string(text)));
}

}  // namespace bmcp::cluster
