#pragma once

#include "core/json_text.hpp"
#include "oauth/public_url.hpp"

namespace bmcp::oauth {

// RFC 9728 Protected Resource Metadata of /mcp: resource (exactly the public /mcp URL),
// authorization_servers (this server), scopes_supported, bearer_methods_supported.
json::object protected_resource_metadata(const ServerUrls& urls);

// RFC 8414 Authorization Server Metadata (also served as OpenID discovery): issuer, the
// endpoints, S256 only, public clients only ("none"), the iss response parameter (RFC 9207),
// and client_id_metadata_document_supported false (Client ID Metadata Documents are not
// accepted: clients register with RFC 7591).
json::object authorization_server_metadata(const ServerUrls& urls);

}  // namespace bmcp::oauth
