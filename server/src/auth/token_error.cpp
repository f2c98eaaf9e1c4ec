#include "auth/token_error.hpp"

namespace bmcp::auth {

std::string token_error_detail(TokenError error) {
  switch (error) {
    case TokenError::kMalformed:
      return "Invalid token: malformed token";
    case TokenError::kAlgNotAllowed:
      return "Invalid token: alg not allowed";
    case TokenError::kBadSignature:
      return "Invalid token: signature verification failed";
    case TokenError::kExpired:
      return "Invalid token: token expired";
    case TokenError::kMissingSub:
      return "Token missing sub";
    case TokenError::kMissingUid:
      return "Invalid token: missing uid";
    case TokenError::kWrongAudience:
      return "Invalid token: wrong audience";
    case TokenError::kMissingAudience:
      return "Invalid token: missing audience";
  }
  return "Invalid token: malformed token";
}

}  // namespace bmcp::auth
