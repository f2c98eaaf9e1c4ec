#include "oauth/client_registration.hpp"

#include <boost/json/array.hpp>
#include <boost/json/object.hpp>

#include "oauth/redirect_uri.hpp"

namespace bmcp::oauth {

namespace {

constexpr std::size_t kMaxRedirectUris = 10;
constexpr std::size_t kMaxClientName = 200;

Unexpected<OAuthError> metadata_error(std::string description) {
  return Unexpected{OAuthError{"invalid_client_metadata", std::move(description)}};
}

// An optional array of strings that, when given, must list `required`. Other values are not
// registered (RFC 7591 section 3.2.1 lets the server replace requested values): the response
// says what the client got.
Result<void, OAuthError> check_lists(const json::object& body, std::string_view name,
                                     std::string_view required) {
  const auto* value = body.if_contains(name);
  if (value == nullptr)
    return {};
  const auto* array = value->if_array();
  if (array == nullptr)
    return metadata_error(std::string(name) + " must be an array of strings");
  bool found = false;
  for (const auto& item : *array) {
    if (!item.is_string())
      return metadata_error(std::string(name) + " must be an array of strings");
    found = found || item.get_string() == required;
  }
  if (!found)
    return metadata_error(std::string(name) + " must include " + std::string(required));
  return {};
}

}  // namespace

Result<ClientMetadata, OAuthError> read_client_metadata(std::string_view text) {
  const auto parsed = parse_json(text);
  const auto* body = parsed ? parsed->if_object() : nullptr;
  if (body == nullptr)
    return metadata_error("the body must be a JSON object");
  ClientMetadata metadata;
  const auto* uris = body->if_contains("redirect_uris");
  const auto* array = uris ? uris->if_array() : nullptr;
  if (array == nullptr || array->empty()) {
    return Unexpected{
        OAuthError{"invalid_redirect_uri", "redirect_uris must be a non-empty array of strings"}};
  }
  if (array->size() > kMaxRedirectUris) {
    return Unexpected{OAuthError{"invalid_redirect_uri", "at most 10 redirect_uris"}};
  }
  for (const auto& item : *array) {
    if (!item.is_string())
      return Unexpected{OAuthError{"invalid_redirect_uri", "redirect_uris must be strings"}};
    const std::string uri(item.get_string());
    if (const auto problem = redirect_uri_problem(uri); !problem.empty())
      return Unexpected{OAuthError{"invalid_redirect_uri", problem + ": " + uri}};
    metadata.redirect_uris.push_back(uri);
  }
  if (const auto* name = body->if_contains("client_name"); name != nullptr && !name->is_null()) {
    if (!name->is_string())
      return metadata_error("client_name must be a string");
    metadata.client_name = std::string(name->get_string());
    if (metadata.client_name.size() > kMaxClientName)
      return metadata_error("client_name is longer than 200 characters");
    for (const char c : metadata.client_name) {
      if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f)
        return metadata_error("client_name contains control characters");
    }
  }
  if (const auto* method = body->if_contains("token_endpoint_auth_method");
      method != nullptr && !method->is_null()) {
    const std::string_view value =
        method->is_string() ? std::string_view(method->get_string()) : "";
    if (value != "none" && value != "client_secret_post" && value != "client_secret_basic")
      return metadata_error("token_endpoint_auth_method is not supported");
  }
  if (auto ok = check_lists(*body, "grant_types", "authorization_code"); !ok)
    return Unexpected{ok.error()};
  if (auto ok = check_lists(*body, "response_types", "code"); !ok)
    return Unexpected{ok.error()};
  return metadata;
}

json::object registration_response(std::string_view client_id, std::int64_t issued_at,
                                   const ClientMetadata& metadata) {
  json::array uris;
  for (const auto& uri : metadata.redirect_uris)
    uris.emplace_back(uri);
  json::object out{{"client_id", client_id},
                   {"client_id_issued_at", issued_at},
                   {"redirect_uris", std::move(uris)},
                   {"grant_types", json::array{"authorization_code", "refresh_token"}},
                   {"response_types", json::array{"code"}},
                   {"token_endpoint_auth_method", "none"}};
  if (!metadata.client_name.empty())
    out["client_name"] = metadata.client_name;
  return out;
}

}  // namespace bmcp::oauth
