#pragma once

#include <spdlog/common.h>

#include <optional>
#include <string_view>

namespace bmcp {

// Parses the server's own log level (`debug`, `info`, `warning`, `error`).
std::optional<spdlog::level::level_enum> parse_server_log_level(std::string_view text);
// Sends every server log line to stderr with the given level. Call once at start-up.
void init_logging(spdlog::level::level_enum level);

}  // namespace bmcp
