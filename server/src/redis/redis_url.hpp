#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "core/result.hpp"

namespace bmcp::redis {

// Where a Redis server is, from a `redis://[[user]:password@]host[:port][/db]` URL.
struct RedisEndpoint {
  std::string host;
  std::uint16_t port = 6379;
  std::optional<std::string> username;
  std::optional<std::string> password;
  int db = 0;

  // The URL without credentials, for logs and error messages.
  std::string describe() const;
};

// The error names what was wrong with the URL (never repeating a password).
Result<RedisEndpoint, std::string> parse_redis_url(std::string_view url);

}  // namespace bmcp::redis
