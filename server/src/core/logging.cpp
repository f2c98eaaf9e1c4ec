#include "core/logging.hpp"

#include <spdlog/sinks/stdout_color_sinks.h>
#include <spdlog/sinks/stdout_sinks.h>
#include <spdlog/spdlog.h>

#include "core/json_log_formatter.hpp"

namespace bmcp {

std::optional<spdlog::level::level_enum> parse_server_log_level(std::string_view text) {
  if (text == "debug")
    return spdlog::level::debug;
  if (text == "info")
    return spdlog::level::info;
  if (text == "warning")
    return spdlog::level::warn;
  if (text == "error")
    return spdlog::level::err;
  return std::nullopt;
}

std::optional<LogFormat> parse_log_format(std::string_view text) {
  if (text == "text")
    return LogFormat::kText;
  if (text == "json")
    return LogFormat::kJson;
  return std::nullopt;
}

void init_logging(spdlog::level::level_enum level, LogFormat format) {
  std::shared_ptr<spdlog::logger> logger;
  if (format == LogFormat::kJson) {
    // No colour codes: every byte of a line belongs to its JSON object.
    logger = spdlog::stderr_logger_mt("blender-mcp");
    logger->set_formatter(std::make_unique<JsonLogFormatter>());
  } else {
    logger = spdlog::stderr_color_mt("blender-mcp");
    logger->set_pattern("%Y-%m-%dT%H:%M:%S.%e %^%l%$ %v");
  }
  set_log_format(format);
  spdlog::set_default_logger(logger);
  spdlog::set_level(level);
}

}  // namespace bmcp
