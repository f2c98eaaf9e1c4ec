#pragma once

#include <string>

#include "core/json_text.hpp"
#include "core/log_level.hpp"
#include "core/result.hpp"

namespace bmcp::bus {

// A bus priority: an integer 0..7 or a level name in any letter case. The error is the
// contract's text: `Unknown priority: 'loud'` for strings, `Unknown priority: 9` otherwise.
Result<LogLevel, std::string> parse_priority(const json::value& value);

}  // namespace bmcp::bus
