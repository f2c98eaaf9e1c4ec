#include "oauth/redirect_uri.hpp"

#include <algorithm>
#include <cctype>
#include <optional>

namespace bmcp::oauth {

namespace {

constexpr std::size_t kMaxUriLength = 2048;

struct HttpUri {
  std::string scheme;    // "http" or "https"
  std::string host;      // as written ([::1] keeps its brackets)
  std::string port;      // "" when absent
  std::string path_etc;  // path and query
};

std::optional<HttpUri> split_http(std::string_view uri) {
  HttpUri out;
  std::string_view rest;
  if (uri.starts_with("https://")) {
    out.scheme = "https";
    rest = uri.substr(8);
  } else if (uri.starts_with("http://")) {
    out.scheme = "http";
    rest = uri.substr(7);
  } else {
    return std::nullopt;
  }
  const auto end = rest.find_first_of("/?#");
  const auto authority = rest.substr(0, end);
  out.path_etc = end == std::string_view::npos ? "" : std::string(rest.substr(end));
  if (authority.empty() || authority.find('@') != std::string_view::npos)
    return std::nullopt;
  std::string_view host = authority;
  if (authority.front() == '[') {
    const auto close = authority.find(']');
    if (close == std::string_view::npos)
      return std::nullopt;
    host = authority.substr(0, close + 1);
    const auto tail = authority.substr(close + 1);
    if (!tail.empty()) {
      if (tail.front() != ':')
        return std::nullopt;
      out.port = std::string(tail.substr(1));
    }
  } else if (const auto colon = authority.find(':'); colon != std::string_view::npos) {
    host = authority.substr(0, colon);
    out.port = std::string(authority.substr(colon + 1));
  }
  if (!std::all_of(out.port.begin(), out.port.end(),
                   [](char c) { return std::isdigit(static_cast<unsigned char>(c)) != 0; })) {
    return std::nullopt;
  }
  out.host = std::string(host);
  std::transform(out.host.begin(), out.host.end(), out.host.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  if (out.host.empty())
    return std::nullopt;
  return out;
}

bool is_loopback(const std::string& host) {
  return host == "127.0.0.1" || host == "[::1]" || host == "localhost";
}

bool private_scheme(std::string_view uri) {
  const auto colon = uri.find(':');
  if (colon == std::string_view::npos || colon == 0)
    return false;
  const auto scheme = uri.substr(0, colon);
  if (scheme.find('.') == std::string_view::npos)
    return false;
  if (std::isalpha(static_cast<unsigned char>(scheme.front())) == 0)
    return false;
  return std::all_of(scheme.begin(), scheme.end(), [](char c) {
    return std::isalnum(static_cast<unsigned char>(c)) != 0 || c == '.' || c == '+' || c == '-';
  });
}

}  // namespace

std::string redirect_uri_problem(std::string_view uri) {
  if (uri.empty())
    return "a redirect URI is empty";
  if (uri.size() > kMaxUriLength)
    return "a redirect URI is longer than 2048 characters";
  if (std::any_of(uri.begin(), uri.end(), [](char c) {
        return static_cast<unsigned char>(c) <= 0x20 || static_cast<unsigned char>(c) == 0x7f;
      })) {
    return "a redirect URI contains whitespace or control characters";
  }
  if (uri.find('#') != std::string_view::npos)
    return "a redirect URI must not contain a fragment";
  if (const auto http = split_http(uri)) {
    if (http->scheme == "http" && !is_loopback(http->host))
      return "an http redirect URI must be on a loopback host (127.0.0.1, [::1], localhost)";
    return "";
  }
  if (uri.starts_with("http:") || uri.starts_with("https:"))
    return "a redirect URI is not a valid http(s) URI";
  if (private_scheme(uri))
    return "";
  return "a redirect URI must be https, http on a loopback host, or a private-use scheme such "
         "as com.example.app:/callback";
}

bool redirect_uri_matches(std::string_view requested, const std::vector<std::string>& registered) {
  const auto asked = split_http(requested);
  for (const auto& uri : registered) {
    if (uri == requested)
      return true;
    if (!asked || asked->scheme != "http" || !is_loopback(asked->host))
      continue;
    const auto known = split_http(uri);
    if (known && known->scheme == "http" && known->host == asked->host &&
        known->path_etc == asked->path_etc) {
      return true;
    }
  }
  return false;
}

}  // namespace bmcp::oauth
