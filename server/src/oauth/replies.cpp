#include "oauth/replies.hpp"

#include <boost/json/object.hpp>
#include <cctype>
#include <string>

namespace bmcp::oauth {

WebReply json_reply(int status, const json::value& body, std::string_view cache) {
  WebReply reply{status,
                 {{"Content-Type", "application/json"}, {"Cache-Control", std::string(cache)}},
                 to_json_text(body)};
  if (cache == "no-store")
    reply.headers.emplace_back("Pragma", "no-cache");
  return reply;
}

WebReply oauth_error(std::string_view error, std::string_view description, int status) {
  return json_reply(status, json::object{{"error", error}, {"error_description", description}});
}

WebReply store_unavailable() {
  auto reply = oauth_error("temporarily_unavailable", "the store cannot be reached", 503);
  reply.headers.emplace_back("Retry-After", "5");
  return reply;
}

bool is_form(std::string_view content_type) {
  const auto semi = content_type.find(';');
  auto type = content_type.substr(0, semi);
  while (!type.empty() && type.back() == ' ')
    type.remove_suffix(1);
  std::string lower(type);
  for (auto& c : lower)
    c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return lower == "application/x-www-form-urlencoded";
}

}  // namespace bmcp::oauth
