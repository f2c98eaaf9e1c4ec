#include "console/request_body.hpp"

#include <algorithm>

namespace bmcp::console {
namespace {

bool is_role_name(std::string_view role) {
  return !role.empty() && role.size() <= 32 && std::all_of(role.begin(), role.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' ||
           c == '-';
  });
}

}  // namespace

Result<json::object, WebReply> json_body(const WebRequest& request,
                                         std::initializer_list<std::string_view> allowed) {
  const auto type =
      std::string_view(request.content_type).substr(0, request.content_type.find(';'));
  if (type != "application/json")
    return Unexpected{error_reply(415, "Content-Type must be application/json")};
  auto parsed = parse_json(request.body);
  if (!parsed || !parsed->is_object())
    return Unexpected{error_reply(400, "the body must be a JSON object")};
  for (const auto& field : parsed->as_object()) {
    if (std::find(allowed.begin(), allowed.end(), std::string_view(field.key())) == allowed.end())
      return Unexpected{error_reply(400, "unknown field '" + std::string(field.key()) + "'")};
  }
  return std::move(parsed->as_object());
}

Result<std::optional<std::string>, WebReply> string_field(const json::object& body,
                                                          std::string_view name, bool required,
                                                          std::size_t max_bytes) {
  const auto* value = body.if_contains(name);
  if (!value) {
    if (required)
      return Unexpected{error_reply(400, "'" + std::string(name) + "' is required")};
    return std::optional<std::string>();
  }
  if (!value->is_string() || value->as_string().empty())
    return Unexpected{error_reply(400, "'" + std::string(name) + "' must be a non-empty string")};
  if (value->as_string().size() > max_bytes) {
    return Unexpected{error_reply(
        400, "'" + std::string(name) + "' is longer than " + std::to_string(max_bytes) + " bytes")};
  }
  return std::optional<std::string>(std::string(value->as_string()));
}

Result<std::optional<std::vector<std::string>>, WebReply> roles_field(const json::object& body,
                                                                      bool required) {
  const auto* value = body.if_contains("roles");
  if (!value) {
    if (required)
      return Unexpected{error_reply(400, "'roles' is required")};
    return std::optional<std::vector<std::string>>();
  }
  const auto* items = value->if_array();
  if (!items || items->empty() || items->size() > 16)
    return Unexpected{error_reply(400, "'roles' must be an array of 1 to 16 role names")};
  std::vector<std::string> roles;
  for (const auto& item : *items) {
    if (!item.is_string() || !is_role_name(item.as_string())) {
      return Unexpected{error_reply(
          400, "'roles' items must be role names: letters, digits, _ and -, 1 to 32 characters")};
    }
    std::string role(item.as_string());
    if (std::find(roles.begin(), roles.end(), role) != roles.end())
      return Unexpected{error_reply(400, "'roles' names '" + role + "' twice")};
    roles.push_back(std::move(role));
  }
  return std::optional<std::vector<std::string>>(std::move(roles));
}

}  // namespace bmcp::console
