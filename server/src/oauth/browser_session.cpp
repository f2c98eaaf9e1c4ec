#include "oauth/browser_session.hpp"

#include <charconv>
#include <vector>

#include "core/web_text.hpp"

namespace bmcp::oauth {

namespace {

std::vector<std::string_view> split_dots(std::string_view text) {
  std::vector<std::string_view> parts;
  while (true) {
    const auto dot = text.find('.');
    parts.push_back(text.substr(0, dot));
    if (dot == std::string_view::npos)
      return parts;
    text.remove_prefix(dot + 1);
  }
}

}  // namespace

// <url-encoded username>.<uid>.<expires_at>.<signature of the first three>. The url encoding
// leaves no dots in the username part ('.' is unreserved, so it is escaped by hand).
std::string BrowserSessions::session_value(const Session& session, std::int64_t expires_at) const {
  std::string name;
  for (const char c : url_encode(session.username))
    name += c == '.' ? std::string("%2E") : std::string(1, c);
  const std::string body = name + "." + url_encode(session.uid) + "." + std::to_string(expires_at);
  return body + "." + session_.sign(body);
}

std::optional<BrowserSessions::Session> BrowserSessions::read_session(std::string_view value,
                                                                      std::int64_t now) const {
  const auto parts = split_dots(value);
  if (parts.size() != 4)
    return std::nullopt;
  const auto body_size = parts[0].size() + parts[1].size() + parts[2].size() + 2;
  if (!session_.verify(value.substr(0, body_size), parts[3]))
    return std::nullopt;
  std::int64_t expires_at = 0;
  const auto [end, error] =
      std::from_chars(parts[2].data(), parts[2].data() + parts[2].size(), expires_at);
  if (error != std::errc() || end != parts[2].data() + parts[2].size() || expires_at <= now)
    return std::nullopt;
  auto username = url_decode(parts[0]);
  auto uid = url_decode(parts[1]);
  if (!username || !uid || username->empty())
    return std::nullopt;
  return Session{std::move(*username), std::move(*uid)};
}

std::string BrowserSessions::set_cookie(std::string_view name, std::string_view value, bool secure,
                                        std::int64_t max_age) {
  std::string cookie =
      std::string(name) + "=" + std::string(value) + "; Path=/authorize; HttpOnly; SameSite=Strict";
  if (max_age != 0)
    cookie += "; Max-Age=" + std::to_string(max_age < 0 ? 0 : max_age);
  if (secure)
    cookie += "; Secure";
  return cookie;
}

}  // namespace bmcp::oauth
