#include "auth/jwt_codec.hpp"

#include <jwt.h>
#include <sodium.h>

#include <algorithm>
#include <cstdlib>
#include <memory>
#include <new>
#include <optional>
#include <stdexcept>
#include <vector>

#include "core/json_text.hpp"

// libjwt 1.10.2, as measured (see token_service_test / jwt_codec_test):
//  * jwt_decode with a NULL key parses without checking the signature; jwt_get_alg then says
//    "none", so the token's alg is read with jwt_get_header(jwt, "alg").
//  * jwt_decode with a key verifies the signature with the alg named in the header: an HS512
//    token signed with our key decodes fine, so the alg is checked separately.
//  * "alg":"none" with a key is refused (EINVAL); an unknown alg, a typ other than JWT, or a
//    payload that is not JSON is refused even without a key.
//  * A fourth segment is taken as part of the signature, and a JSON array is accepted as the
//    payload, so both are checked here.
//  * exp is never checked by libjwt 1.10; the token service checks it against its Clock.

namespace bmcp::auth {

namespace {

struct JwtDeleter {
  void operator()(jwt_t* jwt) const { jwt_free(jwt); }
};
using JwtHandle = std::unique_ptr<jwt_t, JwtDeleter>;

struct MallocDeleter {
  void operator()(char* text) const { std::free(text); }  // NOLINT: libjwt allocates with malloc
};
using MallocText = std::unique_ptr<char, MallocDeleter>;

constexpr std::string_view kHs256 = "HS256";

bool is_base64url(std::string_view segment) {
  return std::all_of(segment.begin(), segment.end(), [](char c) {
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' ||
           c == '_';
  });
}

struct Segments {
  std::string_view header, payload, signature;
};

// Exactly three segments of the base64url alphabet (no padding); the signature may be empty
// (as in an alg "none" token), the other two may not.
std::optional<Segments> split_segments(std::string_view token) {
  const auto first = token.find('.');
  if (first == std::string_view::npos) {
    return std::nullopt;
  }
  const auto second = token.find('.', first + 1);
  if (second == std::string_view::npos || token.find('.', second + 1) != std::string_view::npos) {
    return std::nullopt;
  }
  Segments parts{token.substr(0, first), token.substr(first + 1, second - first - 1),
                 token.substr(second + 1)};
  if (parts.header.empty() || parts.payload.empty() || !is_base64url(parts.header) ||
      !is_base64url(parts.payload) || !is_base64url(parts.signature)) {
    return std::nullopt;
  }
  return parts;
}

JwtHandle decode(const std::string& token, std::string_view key) {
  jwt_t* raw = nullptr;
  const auto* key_bytes = reinterpret_cast<const unsigned char*>(key.data());
  if (jwt_decode(&raw, token.c_str(), key.empty() ? nullptr : key_bytes,
                 static_cast<int>(key.size())) != 0) {
    return nullptr;
  }
  return JwtHandle(raw);
}

std::optional<json::object> payload_object(jwt_t* jwt) {
  const MallocText text(jwt_get_grants_json(jwt, nullptr));
  if (text == nullptr) {
    return std::nullopt;
  }
  auto parsed = parse_json(text.get());
  if (!parsed || !parsed->is_object()) {
    return std::nullopt;
  }
  return std::move(parsed->as_object());
}

// The JSON object in one segment, decoded without libjwt; only used to name the reason when
// libjwt refused to parse a token at all.
std::optional<json::object> segment_object(std::string_view segment) {
  std::vector<unsigned char> bytes(segment.size());
  std::size_t size = 0;
  if (sodium_base642bin(bytes.data(), bytes.size(), segment.data(), segment.size(), nullptr, &size,
                        nullptr, sodium_base64_VARIANT_URLSAFE_NO_PADDING) != 0) {
    return std::nullopt;
  }
  auto parsed = parse_json(std::string_view(reinterpret_cast<const char*>(bytes.data()), size));
  if (!parsed || !parsed->is_object()) {
    return std::nullopt;
  }
  return std::move(parsed->as_object());
}

// libjwt refuses an alg it does not know outright; such a token is "alg not allowed" when
// it is otherwise well formed (both JSON objects), and malformed otherwise.
TokenError classify_unparsable(const Segments& parts) {
  const auto header = segment_object(parts.header);
  if (!header || !segment_object(parts.payload)) {
    return TokenError::kMalformed;
  }
  const auto* alg = find_string(*header, "alg");
  if (alg != nullptr && *alg != kHs256) {
    return TokenError::kAlgNotAllowed;
  }
  return TokenError::kMalformed;
}

}  // namespace

std::string sign_hs256(const json::object& claims, std::string_view key) {
  if (key.empty()) {
    throw std::invalid_argument("sign_hs256: empty key");
  }
  jwt_t* raw = nullptr;
  if (jwt_new(&raw) != 0) {
    throw std::bad_alloc();
  }
  const JwtHandle jwt(raw);
  const std::string claims_text = to_json_text(claims);
  if (jwt_add_grants_json(jwt.get(), claims_text.c_str()) != 0 ||
      jwt_set_alg(jwt.get(), JWT_ALG_HS256, reinterpret_cast<const unsigned char*>(key.data()),
                  static_cast<int>(key.size())) != 0) {
    throw std::runtime_error("libjwt refused the claims or the key");
  }
  const MallocText token(jwt_encode_str(jwt.get()));
  if (token == nullptr) {
    throw std::runtime_error("libjwt failed to encode a token");
  }
  return std::string(token.get());
}

Result<json::object, TokenError> decode_hs256(std::string_view token, std::string_view key) {
  const auto parts = split_segments(token);
  if (!parts) {
    return Unexpected{TokenError::kMalformed};
  }
  const std::string terminated(token);
  // Parse without the key first: a malformed token or a foreign alg is reported as such, not
  // as a signature failure.
  const JwtHandle unverified = decode(terminated, {});
  if (unverified == nullptr) {
    return Unexpected{classify_unparsable(*parts)};
  }
  const char* alg = jwt_get_header(unverified.get(), "alg");
  if (alg == nullptr || std::string_view(alg) != kHs256) {
    return Unexpected{TokenError::kAlgNotAllowed};
  }
  auto claims = payload_object(unverified.get());
  if (!claims) {
    return Unexpected{TokenError::kMalformed};
  }
  const JwtHandle verified = key.empty() ? nullptr : decode(terminated, key);
  if (verified == nullptr || jwt_get_alg(verified.get()) != JWT_ALG_HS256) {
    return Unexpected{TokenError::kBadSignature};
  }
  // The claims read above came from the same bytes that have now been verified.
  return std::move(*claims);
}

}  // namespace bmcp::auth
