#pragma once

#include <spdlog/common.h>

#include <initializer_list>
#include <string>
#include <string_view>

#include "core/json_text.hpp"

namespace bmcp {

// One structured field of a log record: user, session, tool, job_id, status, duration, ...
struct LogField {
  LogField(std::string_view field_name, std::string_view text) : name(field_name), value(text) {}
  LogField(std::string_view field_name, double number) : name(field_name), value(number) {}

  std::string_view name;
  json::value value;  // a string or a number
};

// How records are written (init_logging): fields as JSON members, or appended as text.
enum class LogFormat { kText, kJson };

// Logs `message` with `fields`. In the JSON format each field is a member of the line's object;
// in the text format they follow the message as ` name=value` (strings with spaces or quotes
// are JSON-quoted). Nothing is formatted when `level` is not logged.
void log_with_fields(spdlog::level::level_enum level, std::string_view message,
                     std::initializer_list<LogField> fields);

// The message and fields as the text format writes them.
std::string text_with_fields(std::string_view message, std::initializer_list<LogField> fields);

// The fields of the record being logged on this thread (the JSON formatter reads them), or
// nullptr outside log_with_fields.
const std::initializer_list<LogField>* current_log_fields();

// Set by init_logging.
void set_log_format(LogFormat format);

}  // namespace bmcp
