// http://host:port/path URLs (plain HTTP on an IPv4 address or a resolvable name).
#pragma once
#include <string>

namespace bench {

struct HttpUrl {
  std::string host;
  int port = 80;
  std::string path = "/";
  std::string host_header() const { return host + ":" + std::to_string(port); }
};

// Throws std::runtime_error naming the URL when it is not http://host[:port][/path].
HttpUrl parse_http_url(const std::string& text);

}  // namespace bench
