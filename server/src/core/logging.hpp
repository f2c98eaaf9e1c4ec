#pragma once

#include <spdlog/common.h>

#include <optional>
#include <string_view>

#include "core/log_fields.hpp"

namespace bmcp {

// Parses the server's own log level (`debug`, `info`, `warning`, `error`).
std::optional<spdlog::level::level_enum> parse_server_log_level(std::string_view text);
// Parses a log format: `text` or `json`.
std::optional<LogFormat> parse_log_format(std::string_view text);
// Sends every server log line to stderr with the given level, as text lines or, with
// LogFormat::kJson, as one JSON object per line (JsonLogFormatter). Call once at start-up.
void init_logging(spdlog::level::level_enum level, LogFormat format = LogFormat::kText);

}  // namespace bmcp
