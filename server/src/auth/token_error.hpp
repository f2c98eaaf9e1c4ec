#pragma once

#include <string>

namespace bmcp::auth {

// Why a JWT was refused (contract 3.3), in the order the checks run.
enum class TokenError {
  kMalformed,      // not three base64url segments, not JSON, or claims of the wrong type
  kAlgNotAllowed,  // the header's alg is not HS256 (none, HS512, RS256, ...)
  kBadSignature,
  kExpired,          // exp <= now; there is no leeway
  kMissingSub,       // sub missing, empty or not a string
  kMissingUid,       // uid (the account id, UserRecord::uid) missing, empty or not a string
  kWrongAudience,    // aud is present and does not name this server's /mcp URL
  kMissingAudience,  // an access token without aud, where the server has an audience
};

// The 401 `detail` text for each error, e.g. "Invalid token: token expired".
std::string token_error_detail(TokenError error);

}  // namespace bmcp::auth
