#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "core/result.hpp"

namespace bmcp::bridge {

// Where a running blender-mcp HTTP server is: `http://host[:port][/prefix][/mcp][/]`. The
// base is the URL without a trailing `/` and without a trailing `/mcp` (contract §9.5); the
// endpoints are `<base>/auth/...` and `<base>/mcp`.
struct ServerUrl {
  std::string host;
  std::uint16_t port = 80;
  std::string prefix;  // path before /auth and /mcp; empty or starting with '/'

  std::string base() const;  // http://host:port/prefix
  std::string path(std::string_view endpoint) const { return prefix + std::string(endpoint); }
};

// Parses `text`; the error names what is wrong. Only plain http is supported (https needs a
// TLS front, which the bridge does not have). The host is a DNS name or IPv4 address (letters,
// digits, '.', '-', '_', '~') or an IPv6 address in brackets, since it goes as it is into the
// Host header and to the resolver.
Result<ServerUrl, std::string> parse_server_url(std::string_view text);

}  // namespace bmcp::bridge
