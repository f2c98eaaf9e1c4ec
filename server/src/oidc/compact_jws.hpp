#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "core/json_text.hpp"

namespace bmcp::oidc {

// A JWT in the JWS compact serialization (RFC 7515 section 7.1), split and decoded but not
// verified.
struct CompactJws {
  json::object header;
  json::object payload;
  std::string signing_input;  // "<header>.<payload>" as sent: what the signature covers
  std::string signature;      // the decoded signature bytes
};

// nullopt unless the token is three base64url segments whose first two are JSON objects
// (tokens longer than 16 KiB included).
std::optional<CompactJws> parse_compact_jws(std::string_view token);

}  // namespace bmcp::oidc
