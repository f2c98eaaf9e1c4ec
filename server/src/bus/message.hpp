#pragma once

#include <string>
#include <string_view>

#include "core/json_text.hpp"
#include "core/log_level.hpp"

namespace bmcp::bus {

inline constexpr std::string_view kBusLogger = "_message_bus";

// One send, shared by all its recipients; each recipient's record adds its own uuid.
struct Message {
  std::string user_id;
  std::string from_uuid;
  json::object routing;
  json::value payload;
  std::string job_id;
  std::string message_id;  // canonical uuid4, one per send
  LogLevel priority = LogLevel::kInfo;
  double timestamp = 0;  // Unix seconds, millisecond precision
};

// The record's `data` object: exactly the nine contract keys, in contract order.
json::object record_data(const Message& message, std::string_view target_uuid);

// Unix seconds rounded to milliseconds, as records and client listings carry them.
double wire_timestamp(double unix_seconds);

}  // namespace bmcp::bus
