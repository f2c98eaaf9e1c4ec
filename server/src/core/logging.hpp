#pragma once

#include <optional>
#include <string_view>

#include <spdlog/common.h>

namespace bmcp {

// Parses the server's own log level (`debug`, `info`, `warning`, `error`).
std::optional<spdlog::level::level_enum> parse_server_log_level(std::string_view text);
// Sends every server log line to stderr with the given level. Call once at start-up.
void init_logging(spdlog::level::level_enum level);

}  // namespace bmcp
