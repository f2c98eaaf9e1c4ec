#include "url.hpp"

#include <stdexcept>

namespace bench {

HttpUrl parse_http_url(const std::string& text) {
  const std::string scheme = "http://";
  if (text.rfind(scheme, 0) != 0)
    throw std::runtime_error("not an http:// URL: " + text);
  std::string rest = text.substr(scheme.size());
  HttpUrl url;
  auto slash = rest.find('/');
  std::string authority = rest.substr(0, slash);
  if (slash != std::string::npos)
    url.path = rest.substr(slash);
  auto colon = authority.rfind(':');
  if (colon == std::string::npos) {
    url.host = authority;
  } else {
    url.host = authority.substr(0, colon);
    try {
      url.port = std::stoi(authority.substr(colon + 1));
    } catch (const std::exception&) {
      throw std::runtime_error("bad port in URL: " + text);
    }
  }
  if (url.host.empty() || url.port <= 0 || url.port > 65535)
    throw std::runtime_error("bad host or port in URL: " + text);
  return url;
}

}  // namespace bench
