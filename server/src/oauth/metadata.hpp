#pragma once

#include "core/json_text.hpp"
#include "oauth/public_url.hpp"

namespace bmcp::oauth {

// RFC 9728 Protected Resource Metadata of /mcp: resource (exactly the public /mcp URL),
// authorization_servers (this server, then `external_issuer` when not empty: an OpenID provider
// whose tokens are accepted too), scopes_supported, bearer_methods_supported.
json::object protected_resource_metadata(const ServerUrls& urls,
                                         std::string_view external_issuer = {});

// RFC 8414 Authorization Server Metadata (also served as OpenID discovery): issuer, the
// endpoints, S256 only, public clients only ("none"), the iss response parameter (RFC 9207),
// and client_id_metadata_document_supported: whether client_id URLs (Client ID Metadata
// Documents) are accepted next to RFC 7591 registration.
json::object authorization_server_metadata(const ServerUrls& urls, bool client_id_documents);

}  // namespace bmcp::oauth
