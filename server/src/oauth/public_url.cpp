#include "oauth/public_url.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cctype>

namespace bmcp::oauth {

namespace {

bool valid_host_char(char c) {
  const auto u = static_cast<unsigned char>(c);
  return std::isalnum(u) != 0 || c == '-' || c == '.' || c == '_';
}

// host[:port] or [v6][:port]; true when well formed.
bool valid_authority(std::string_view authority) {
  if (authority.empty())
    return false;
  std::string_view host = authority;
  std::string_view port;
  if (authority.front() == '[') {
    const auto close = authority.find(']');
    if (close == std::string_view::npos || close == 1)
      return false;
    const auto inside = authority.substr(1, close - 1);
    if (!std::all_of(inside.begin(), inside.end(), [](char c) {
          return std::isxdigit(static_cast<unsigned char>(c)) != 0 || c == ':' || c == '.';
        })) {
      return false;
    }
    const auto rest = authority.substr(close + 1);
    if (!rest.empty()) {
      if (rest.front() != ':')
        return false;
      port = rest.substr(1);
      if (port.empty())
        return false;
    }
    host = {};
  } else {
    const auto colon = authority.rfind(':');
    if (colon != std::string_view::npos) {
      host = authority.substr(0, colon);
      port = authority.substr(colon + 1);
      if (port.empty())
        return false;
    }
    if (host.empty() || !std::all_of(host.begin(), host.end(), valid_host_char))
      return false;
  }
  if (!port.empty()) {
    if (port.size() > 5 || !std::all_of(port.begin(), port.end(), [](char c) {
          return std::isdigit(static_cast<unsigned char>(c)) != 0;
        })) {
      return false;
    }
    const int number = std::stoi(std::string(port));
    if (number < 1 || number > 65535)
      return false;
  }
  return true;
}

}  // namespace

Result<std::string, std::string> check_public_url(std::string_view source, std::string_view url) {
  auto refuse = [&](std::string_view why) {
    return Unexpected{
        fmt::format("{} must be an absolute http or https URL of the server, such as "
                    "https://blender.example.com, got '{}': {}",
                    source, url, why)};
  };
  std::string_view rest;
  if (url.starts_with("https://")) {
    rest = url.substr(8);
  } else if (url.starts_with("http://")) {
    rest = url.substr(7);
  } else {
    return refuse("the scheme must be http or https");
  }
  const auto end = rest.find_first_of("/?#");
  const auto authority = rest.substr(0, end);
  if (authority.find('@') != std::string_view::npos)
    return refuse("user information is not allowed");
  if (!valid_authority(authority))
    return refuse("the host or port is not valid");
  if (end != std::string_view::npos) {
    const auto tail = rest.substr(end);
    if (tail != "/")
      return refuse("it must not have a path, query or fragment");
  }
  return std::string(url.substr(0, url.size() - (url.ends_with('/') ? 1 : 0)));
}

std::string bind_base_url(std::string_view host, std::uint16_t port) {
  if (host.find(':') != std::string_view::npos)
    return fmt::format("http://[{}]:{}", host, port);
  return fmt::format("http://{}:{}", host, port);
}

ServerUrls server_urls(std::string_view base) {
  const std::string issuer(base);
  return ServerUrls{issuer,
                    issuer + "/mcp",
                    issuer + "/.well-known/oauth-protected-resource/mcp",
                    issuer + "/authorize",
                    issuer + "/token",
                    issuer + "/register",
                    issuer + "/revoke",
                    issuer.starts_with("https://")};
}

std::string origin_of(std::string_view url) {
  const auto scheme_end = url.find("://");
  if (scheme_end == std::string_view::npos) {
    // A private-use scheme (com.example.app:/callback): the scheme alone.
    const auto colon = url.find(':');
    return colon == std::string_view::npos ? std::string{} : std::string(url.substr(0, colon + 1));
  }
  const auto end = url.find_first_of("/?#", scheme_end + 3);
  return std::string(url.substr(0, end));
}

}  // namespace bmcp::oauth
