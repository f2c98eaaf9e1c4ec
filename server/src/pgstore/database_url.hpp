#pragma once

#include <string>
#include <string_view>

#include "core/result.hpp"

namespace bmcp::pgstore {

// Checks a --database-url / BLENDER_MCP_DATABASE_URL value: a postgresql:// (or postgres://)
// URL as libpq reads it. kInvalidArgument names `source` and what was wrong, never the
// password.
Status check_database_url(std::string_view source, std::string_view url);

// The URL without its password (user:***@host), for logs and messages.
std::string redacted_url(std::string_view url);

}  // namespace bmcp::pgstore
