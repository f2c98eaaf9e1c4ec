#include "bus/priority.hpp"

#include <fmt/format.h>

namespace bmcp::bus {

Result<LogLevel, std::string> parse_priority(const json::value& value) {
  if (value.is_string()) {
    const std::string_view name = value.get_string();
    if (auto level = parse_level_any_case(name))
      return *level;
    return Unexpected{fmt::format("Unknown priority: '{}'", name)};
  }
  if (value.is_int64()) {
    if (auto level = level_from_int(value.get_int64()))
      return *level;
  }
  return Unexpected{fmt::format("Unknown priority: {}", to_json_text(value))};
}

}  // namespace bmcp::bus
