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
  // The text of record_data(message, uuid) on either side of the uuid, written field by field in
  // record_data's order (building that object would copy the payload first).
  RecordText parts;
  parts.before.reserve(96);
  parts.before += R"({"user_id":)";
  append_json_string(parts.before, message.user_id);
  parts.before += R"(,"from_uuid":)";
  append_json_string(parts.before, message.from_uuid);
  parts.before += R"(,"target_uuid":)";
  std::string& after = parts.after;
  after.reserve(256);
  after += R"(,"routing":)";
  append_json_text(after, message.routing);
  after += R"(,"payload":)";
  append_json_text(after, message.payload);
  after += R"(,"job_id":)";
  append_json_string(after, message.job_id);
  after += R"(,"message_id":)";
  append_json_string(after, message.message_id);
  after += R"(,"priority":)";
  append_json_text(after, json::value(static_cast<int>(message.priority)));
  after += R"(,"timestamp":)";
  append_json_text(after, json::value(message.timestamp));
  after += '}';
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
