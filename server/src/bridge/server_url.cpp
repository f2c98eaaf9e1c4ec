#include "bridge/server_url.hpp"

#include <algorithm>
#include <cctype>
#include <charconv>

namespace bmcp::bridge {
namespace {

Unexpected<std::string> invalid(std::string_view text, std::string_view why) {
  return Unexpected{"invalid server URL '" + std::string(text) + "': " + std::string(why)};
}

bool is_alphanumeric(char c) {
  return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
}

// A DNS name or IPv4 address: what the resolver and the Host header take as they are.
bool is_host_name(std::string_view host) {
  return std::all_of(host.begin(), host.end(), [](char c) {
    return is_alphanumeric(c) || c == '.' || c == '-' || c == '_' || c == '~';
  });
}

// The inside of "[...]": an IPv6 address (hex digits, colons, a dotted IPv4 tail).
bool is_ipv6_literal(std::string_view host) {
  return host.find(':') != std::string_view::npos &&
         std::all_of(host.begin(), host.end(), [](char c) {
           return std::isxdigit(static_cast<unsigned char>(c)) || c == ':' || c == '.';
         });
}

}  // namespace

std::string ServerUrl::base() const {
  return "http://" + (host.find(':') != std::string::npos ? "[" + host + "]" : host) + ":" +
         std::to_string(port) + prefix;
}

Result<ServerUrl, std::string> parse_server_url(std::string_view text) {
  constexpr std::string_view kScheme = "http://";
  if (text.starts_with("https://"))
    return invalid(text, "https is not supported; give the server's http:// address");
  if (!text.starts_with(kScheme))
    return invalid(text, "it must start with http://");
  std::string_view rest = text.substr(kScheme.size());
  const auto slash = rest.find('/');
  std::string_view authority = rest.substr(0, slash);
  std::string_view path = slash == std::string_view::npos ? "" : rest.substr(slash);
  if (path.find_first_of("?#") != std::string_view::npos)
    return invalid(text, "it must not have a query or a fragment");

  ServerUrl url;
  std::string_view port_text;
  const bool bracketed = authority.starts_with("[");
  if (bracketed) {
    const auto close = authority.find(']');
    if (close == std::string_view::npos)
      return invalid(text, "unclosed '[' in the host");
    url.host = std::string(authority.substr(1, close - 1));
    const auto after = authority.substr(close + 1);
    if (!after.empty() && !after.starts_with(":"))
      return invalid(text, "unexpected text after the host");
    port_text = after.empty() ? "" : after.substr(1);
  } else {
    const auto colon = authority.rfind(':');
    url.host = std::string(authority.substr(0, colon));
    port_text = colon == std::string_view::npos ? "" : authority.substr(colon + 1);
  }
  if (url.host.empty())
    return invalid(text, "the host is missing");
  if (authority.find('@') != std::string_view::npos)
    return invalid(text, "user information in the URL is not supported");
  if (bracketed && !is_ipv6_literal(url.host))
    return invalid(text, "the host in brackets must be an IPv6 address");
  if (!bracketed && !is_host_name(url.host)) {
    return invalid(text,
                   "the host may hold only letters, digits, '.', '-', '_' and '~' (an IPv6 "
                   "address goes in brackets)");
  }
  if (!port_text.empty()) {
    unsigned value = 0;
    auto [end, error] =
        std::from_chars(port_text.data(), port_text.data() + port_text.size(), value);
    if (error != std::errc() || end != port_text.data() + port_text.size() || value == 0 ||
        value > 65535)
      return invalid(text, "the port must be a number from 1 to 65535");
    url.port = static_cast<std::uint16_t>(value);
  }
  auto drop_trailing_slashes = [&path] {
    while (path.ends_with("/"))
      path.remove_suffix(1);
  };
  drop_trailing_slashes();
  if (path.ends_with("/mcp")) {
    path.remove_suffix(4);
    drop_trailing_slashes();  // "//mcp" leaves "/", which is no prefix either
  }
  url.prefix = std::string(path);
  return url;
}

}  // namespace bmcp::bridge
