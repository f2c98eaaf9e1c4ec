#include "bus/message.hpp"

#include <cmath>

namespace bmcp::bus {

json::object record_data(const Message& message, std::string_view target_uuid) {
  return {{"user_id", message.user_id},       {"from_uuid", message.from_uuid},
          {"target_uuid", target_uuid},       {"routing", message.routing},
          {"payload", message.payload},       {"job_id", message.job_id},
          {"message_id", message.message_id}, {"priority", static_cast<int>(message.priority)},
          {"timestamp", message.timestamp}};
}

RecordText render_record_text(const Message& message) {
  // Rendered with an empty target uuid, whose key is the first `"target_uuid":""` in the text:
  // only user_id and from_uuid come before it, and a quote inside a JSON string is escaped.
  std::string text = to_json_text(record_data(message, ""));
  constexpr std::string_view kKey = "\"target_uuid\":";
  const std::size_t cut = text.find("\"target_uuid\":\"\"") + kKey.size();
  RecordText parts;
  parts.after = text.substr(cut + 2);
  text.resize(cut);
  parts.before = std::move(text);
  return parts;
}

void append_record_text(std::string& out, const Message& message, std::string_view target_uuid) {
  const auto splice = [&](const RecordText& text) {
    out.reserve(out.size() + text.before.size() + target_uuid.size() + 2 + text.after.size());
    out += text.before;
    append_json_string(out, target_uuid);
    out += text.after;
  };
  if (message.text)
    splice(*message.text);
  else
    splice(render_record_text(message));
}

std::size_t record_text_bytes(const Message& message) {
  if (message.text)
    return message.text->before.size() + 2 + message.text->after.size() + kRecordAllowanceBytes;
  return to_json_text(record_data(message, "")).size() + kRecordAllowanceBytes;
}

double wire_timestamp(double unix_seconds) {
  return std::round(unix_seconds * 1000.0) / 1000.0;
}

}  // namespace bmcp::bus
