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

std::size_t record_text_bytes(const Message& message) {
  return to_json_text(record_data(message, "")).size() + kRecordAllowanceBytes;
}

double wire_timestamp(double unix_seconds) {
  return std::round(unix_seconds * 1000.0) / 1000.0;
}

}  // namespace bmcp::bus
