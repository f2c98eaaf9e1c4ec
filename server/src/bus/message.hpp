#pragma once

#include <memory>
#include <string>
#include <string_view>

#include "core/json_text.hpp"
#include "core/log_level.hpp"

namespace bmcp::bus {

inline constexpr std::string_view kBusLogger = "_message_bus";

// A record's JSON text split where its target uuid goes: `before`, the uuid as a JSON string,
// then `after` is exactly to_json_text(record_data(message, uuid)). A send renders it once and
// every recipient's record only splices its own uuid in.
struct RecordText {
  std::string before;
  std::string after;
};

// One send, shared by all its recipients; each recipient's record adds its own uuid.
struct Message {
  std::string user_id;
  std::string from_uuid;
  json::object routing;
  json::value payload;
  std::string job_id;
  std::string message_id;  // canonical uuid4, one per send
  LogLevel priority = LogLevel::kInfo;
  double timestamp = 0;        // Unix seconds, millisecond precision
  std::size_t text_bytes = 0;  // record_text_bytes() of this message, set by the bus
  // render_record_text() of this message, set by the bus with text_bytes; null in a message
  // built field by field (append_record_text() then renders it for each call).
  std::shared_ptr<const RecordText> text;
};

// Extra bytes allowed for, beyond the record's own JSON text, when a record is measured: the
// recipient's uuid (at most 128 characters), the notification envelope around the record and
// the SSE framing with its event id.
inline constexpr std::size_t kRecordAllowanceBytes = 512;

// The size a record of this message may have on the wire for any recipient: its JSON text
// without a target uuid plus kRecordAllowanceBytes.
std::size_t record_text_bytes(const Message& message);

// The record's `data` object: exactly the nine contract keys, in contract order.
json::object record_data(const Message& message, std::string_view target_uuid);

// The record's JSON text around its target uuid (the fields other than `text`).
RecordText render_record_text(const Message& message);
// Appends the JSON text of `message`'s record for `target_uuid`: to_json_text(record_data(
// message, target_uuid)), built from message.text when it is set.
void append_record_text(std::string& out, const Message& message, std::string_view target_uuid);

// Unix seconds rounded to milliseconds, as records and client listings carry them.
double wire_timestamp(double unix_seconds);

}  // namespace bmcp::bus
