#include "core/log_fields.hpp"

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include <atomic>
#include <boost/json/serialize.hpp>

namespace bmcp {
namespace {

std::atomic<LogFormat> g_format{LogFormat::kText};
thread_local const std::initializer_list<LogField>* t_fields = nullptr;

std::string field_text(const json::value& value) {
  if (value.is_double())
    return fmt::format("{}", value.get_double());
  if (value.is_string()) {
    const std::string_view text = value.get_string();
    const bool plain = !text.empty() && text.find_first_of(" \"\\\n\t=") == std::string_view::npos;
    if (plain)
      return std::string(text);
  }
  return json::serialize(value);
}

}  // namespace

void set_log_format(LogFormat format) {
  g_format.store(format);
}

const std::initializer_list<LogField>* current_log_fields() {
  return t_fields;
}

std::string text_with_fields(std::string_view message, std::initializer_list<LogField> fields) {
  std::string text(message);
  for (const auto& field : fields) {
    text += ' ';
    text += field.name;
    text += '=';
    text += field_text(field.value);
  }
  return text;
}

void log_with_fields(spdlog::level::level_enum level, std::string_view message,
                     std::initializer_list<LogField> fields) {
  if (!spdlog::should_log(level))
    return;
  if (g_format.load() == LogFormat::kText) {
    spdlog::log(level, "{}", text_with_fields(message, fields));
    return;
  }
  // The default logger is synchronous: the formatter runs on this thread, inside this call.
  t_fields = &fields;
  spdlog::log(level, "{}", message);
  t_fields = nullptr;
}

}  // namespace bmcp
