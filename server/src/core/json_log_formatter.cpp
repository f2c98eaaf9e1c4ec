#include "core/json_log_formatter.hpp"

#include <fmt/chrono.h>
#include <fmt/format.h>

#include <boost/json/serialize.hpp>
#include <chrono>
#include <cmath>
#include <string>

#include "core/json_text.hpp"
#include "core/log_fields.hpp"

namespace bmcp {
namespace {

std::string_view level_word(spdlog::level::level_enum level) {
  switch (level) {
    case spdlog::level::trace:
      return "trace";
    case spdlog::level::debug:
      return "debug";
    case spdlog::level::info:
      return "info";
    case spdlog::level::warn:
      return "warning";
    case spdlog::level::err:
      return "error";
    case spdlog::level::critical:
      return "critical";
    default:
      return "info";
  }
}

std::string utc_timestamp(spdlog::log_clock::time_point time) {
  const auto millis =
      std::chrono::time_point_cast<std::chrono::milliseconds>(time).time_since_epoch().count();
  const std::time_t seconds = static_cast<std::time_t>(millis / 1000);
  std::tm utc{};
  ::gmtime_r(&seconds, &utc);
  return fmt::format("{:%Y-%m-%dT%H:%M:%S}.{:03}Z", utc, millis % 1000);
}

// Numbers as people write them (0.25, not 2.5E-1); a number that JSON cannot hold is null.
std::string json_value_text(const json::value& value) {
  if (value.is_double()) {
    const double number = value.get_double();
    return std::isfinite(number) ? fmt::format("{}", number) : "null";
  }
  return json::serialize(value);
}

}  // namespace

void JsonLogFormatter::format(const spdlog::details::log_msg& msg, spdlog::memory_buf_t& dest) {
  std::string line = "{\"ts\":";
  line += json::serialize(json::value(utc_timestamp(msg.time)));
  line += ",\"level\":";
  line += json::serialize(json::value(level_word(msg.level)));
  line += ",\"msg\":";
  line += json::serialize(json::value(std::string_view(msg.payload.data(), msg.payload.size())));
  if (const auto* fields = current_log_fields()) {
    for (const auto& field : *fields) {
      line += ',';
      line += json::serialize(json::value(field.name));
      line += ':';
      line += json_value_text(field.value);
    }
  }
  line += "}\n";
  dest.append(line.data(), line.data() + line.size());
}

std::unique_ptr<spdlog::formatter> JsonLogFormatter::clone() const {
  return std::make_unique<JsonLogFormatter>();
}

}  // namespace bmcp
