#include "core/logging.hpp"

#include <spdlog/sinks/stdout_color_sinks.h>
#include <spdlog/spdlog.h>

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

void init_logging(spdlog::level::level_enum level) {
  auto logger = spdlog::stderr_color_mt("blender-mcp");
  logger->set_pattern("%Y-%m-%dT%H:%M:%S.%e %^%l%$ %v");
  spdlog::set_default_logger(logger);
  spdlog::set_level(level);
}

}  // namespace bmcp
