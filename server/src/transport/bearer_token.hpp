#pragma once

#include <optional>
#include <string_view>

#include "http/types.hpp"

namespace bmcp::transport {

// The token of an `Authorization` header value `Bearer <token>`: the scheme is matched
// case-insensitively, spaces around the token are dropped. nullopt for another scheme or an
// empty token. The result points into `value`.
std::optional<std::string_view> parse_bearer_authorization(std::string_view value);
// The token of the request's `Authorization` header, as parse_bearer_authorization reads it;
// nullopt when there is no such header.
std::optional<std::string_view> bearer_token(const http::Headers& headers);

}  // namespace bmcp::transport
