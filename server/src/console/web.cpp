#include "console/web.hpp"

#include "core/web_text.hpp"

namespace bmcp::console {
std::string_view content_security_policy() {
  return "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
         "connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; "
         "frame-ancestors 'none'";
}

void add_security_headers(WebReply& reply) {
  reply.headers.emplace_back("Content-Security-Policy", std::string(content_security_policy()));
  reply.headers.emplace_back("X-Content-Type-Options", "nosniff");
  reply.headers.emplace_back("Referrer-Policy", "no-referrer");
  reply.headers.emplace_back("X-Frame-Options", "DENY");
}

WebReply json_reply(int status, const json::value& body) {
  WebReply reply;
  reply.status = status;
  reply.headers.emplace_back("Content-Type", "application/json");
  reply.headers.emplace_back("Cache-Control", "no-store");
  add_security_headers(reply);
  reply.body = to_json_text(body);
  return reply;
}

WebReply error_reply(int status, std::string_view detail) {
  return json_reply(status, json::object{{"detail", detail}});
}

std::optional<std::string> cookie_value(std::string_view cookies, std::string_view name) {
  const auto all = parse_cookies(cookies);
  const auto found = all.find(name);
  if (found == all.end())
    return std::nullopt;
  return found->second;
}

std::optional<std::string> query_value(std::string_view query, std::string_view name) {
  const auto fields = parse_form(query);
  if (!fields)
    return std::nullopt;
  const auto found = fields->find(name);
  if (found == fields->end())
    return std::nullopt;
  return found->second;
}

bool constant_time_equal(std::string_view a, std::string_view b) {
  if (a.size() != b.size())
    return false;
  unsigned char diff = 0;
  for (std::size_t i = 0; i < a.size(); ++i)
    diff |= static_cast<unsigned char>(a[i] ^ b[i]);
  return diff == 0;
}

}  // namespace bmcp::console
