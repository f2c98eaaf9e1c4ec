#include "oauth/metadata.hpp"

#include <boost/json/array.hpp>
#include <boost/json/object.hpp>

#include "oauth/scopes.hpp"

namespace bmcp::oauth {

namespace {

json::array scopes_array() {
  json::array out;
  for (const auto& scope : supported_scopes())
    out.emplace_back(scope);
  return out;
}

}  // namespace

json::object protected_resource_metadata(const ServerUrls& urls, std::string_view external_issuer) {
  json::array servers{json::string(urls.issuer)};
  if (!external_issuer.empty())
    servers.emplace_back(external_issuer);
  return json::object{{"resource", urls.resource},
                      {"authorization_servers", std::move(servers)},
                      {"scopes_supported", scopes_array()},
                      {"bearer_methods_supported", json::array{"header"}},
                      {"resource_name", "blender-mcp"}};
}

json::object authorization_server_metadata(const ServerUrls& urls, bool client_id_documents) {
  return json::object{{"issuer", urls.issuer},
                      {"authorization_endpoint", urls.authorization_endpoint},
                      {"token_endpoint", urls.token_endpoint},
                      {"registration_endpoint", urls.registration_endpoint},
                      {"revocation_endpoint", urls.revocation_endpoint},
                      {"scopes_supported", scopes_array()},
                      {"response_types_supported", json::array{"code"}},
                      {"response_modes_supported", json::array{"query"}},
                      {"grant_types_supported", json::array{"authorization_code", "refresh_token"}},
                      {"code_challenge_methods_supported", json::array{"S256"}},
                      {"token_endpoint_auth_methods_supported", json::array{"none"}},
                      {"revocation_endpoint_auth_methods_supported", json::array{"none"}},
                      {"client_id_metadata_document_supported", client_id_documents},
                      {"authorization_response_iss_parameter_supported", true}};
}

}  // namespace bmcp::oauth
