#pragma once

#include <string>
#include <string_view>

#include "core/result.hpp"
#include "oauth/client_registration.hpp"

namespace bmcp::oauth {

// Client ID Metadata Documents (the MCP authorization spec of 2025-11-25, after the IETF draft
// "OAuth Client ID Metadata Document"): a client whose client_id is an https URL publishes its
// metadata at that URL instead of registering.

// Whether a client_id is meant as a URL (it has a scheme). Registered client_ids never are: they
// are base64url text.
bool is_url_client_id(std::string_view client_id);

// Why `url` cannot be a client_id, or "" when it can: https only; a host; a path other than
// "/"; no user information, fragment, "." or ".." segment, whitespace or control characters;
// at most 2048 characters.
std::string client_id_url_problem(std::string_view url);

// Reads the metadata document fetched from `url`. It must be a JSON object whose client_id is
// exactly `url`, with redirect_uris, and the other fields read_client_metadata accepts; it must
// not carry a client secret (client_secret, client_secret_expires_at, or a
// token_endpoint_auth_method other than none: this server has public clients only). The error
// names the field and what is wrong.
Result<ClientMetadata, std::string> read_client_id_document(std::string_view url,
                                                            std::string_view body);

}  // namespace bmcp::oauth
