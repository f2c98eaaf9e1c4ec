#pragma once

#include <boost/json/object.hpp>
#include <string>
#include <string_view>

#include "auth/token_error.hpp"
#include "core/result.hpp"

namespace bmcp::auth {

// The JOSE layer of our tokens, on libjwt: HS256 signing, and decoding that tells apart a
// malformed token, a foreign alg and a bad signature. Claim semantics (exp, sub, typ) are
// the token service's.
// Thread safety: free functions without shared state.

// A compact JWS with the header {"alg":"HS256","typ":"JWT"}. REQUIRES: key is not empty.
std::string sign_hs256(const boost::json::object& claims, std::string_view key);

// The claim set of a token that is three base64url segments, whose header names alg HS256,
// whose payload is a JSON object and whose signature verifies with `key`. Otherwise
// kMalformed, kAlgNotAllowed or kBadSignature, checked in that order.
Result<boost::json::object, TokenError> decode_hs256(std::string_view token, std::string_view key);

}  // namespace bmcp::auth
