#include "core/log_level.hpp"

#include <array>
#include <cctype>
#include <string>

namespace bmcp {
namespace {
constexpr std::array<std::string_view, 8> kNames = {"emergency", "alert",  "critical", "error",
                                                    "warning",   "notice", "info",     "debug"};
}  // namespace

std::string_view level_name(LogLevel level) {
  return kNames[static_cast<std::size_t>(level)];
}

std::optional<LogLevel> parse_level(std::string_view name) {
  for (std::size_t i = 0; i < kNames.size(); ++i) {
    if (kNames[i] == name)
      return static_cast<LogLevel>(i);
  }
  return std::nullopt;
}

std::optional<LogLevel> parse_level_any_case(std::string_view name) {
  std::string lower(name);
  for (char& c : lower)
    c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return parse_level(lower);
}

std::optional<LogLevel> level_from_int(long long value) {
  if (value < 0 || value > 7)
    return std::nullopt;
  return static_cast<LogLevel>(value);
}

}  // namespace bmcp
