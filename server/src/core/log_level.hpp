#pragma once

#include <optional>
#include <string_view>

namespace bmcp {

// The eight MCP/syslog levels; the integer is the wire priority (0 most severe).
enum class LogLevel : int {
  kEmergency = 0,
  kAlert = 1,
  kCritical = 2,
  kError = 3,
  kWarning = 4,
  kNotice = 5,
  kInfo = 6,
  kDebug = 7,
};

inline constexpr LogLevel kDefaultSessionLevel = LogLevel::kWarning;

std::string_view level_name(LogLevel level);
// Exact lowercase names, as `logging/setLevel` requires.
std::optional<LogLevel> parse_level(std::string_view name);
// Any letter case, as bus priorities allow.
std::optional<LogLevel> parse_level_any_case(std::string_view name);
std::optional<LogLevel> level_from_int(long long value);

// A message at `message` is delivered to a session whose minimum level is `threshold`
// only when it is at least as severe.
inline bool passes(LogLevel message, LogLevel threshold) {
  return static_cast<int>(message) <= static_cast<int>(threshold);
}

}  // namespace bmcp
