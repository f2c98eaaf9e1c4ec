#pragma once

#include <jwt.h>
#include <sodium.h>

#include <cstdlib>
#include <string>
#include <string_view>

// Token forgery for tests: builds JWTs the server never issues.
namespace bmcp::auth::testing {

inline std::string base64url(std::string_view bytes) {
  constexpr int kVariant = sodium_base64_VARIANT_URLSAFE_NO_PADDING;
  std::string text(sodium_base64_encoded_len(bytes.size(), kVariant), '\0');
  sodium_bin2base64(text.data(), text.size(), reinterpret_cast<const unsigned char*>(bytes.data()),
                    bytes.size(), kVariant);
  text.resize(text.find('\0'));
  return text;
}

// header.payload.signature from raw JSON texts.
inline std::string unsigned_token(std::string_view header_json, std::string_view payload_json,
                                  std::string_view signature = "") {
  return base64url(header_json) + "." + base64url(payload_json) + "." + std::string(signature);
}

// A token signed by libjwt with any alg it supports (HS384, HS512, none, ...).
inline std::string libjwt_token(jwt_alg_t alg, std::string_view claims_json, std::string_view key) {
  jwt_t* jwt = nullptr;
  jwt_new(&jwt);
  jwt_add_grants_json(jwt, std::string(claims_json).c_str());
  jwt_set_alg(jwt, alg, key.empty() ? nullptr : reinterpret_cast<const unsigned char*>(key.data()),
              static_cast<int>(key.size()));
  char* raw = jwt_encode_str(jwt);
  std::string token = raw != nullptr ? raw : "";
  std::free(raw);  // NOLINT: libjwt 1.10 allocates with malloc
  jwt_free(jwt);
  return token;
}

// The token with one character of the given segment (0, 1 or 2) replaced, away from the
// segment's last character, whose low bits may be padding.
inline std::string tamper(std::string token, int segment) {
  std::size_t start = 0;
  for (int i = 0; i < segment; ++i) {
    start = token.find('.', start) + 1;
  }
  char& c = token[start + 2];
  c = c == 'A' ? 'B' : 'A';
  return token;
}

}  // namespace bmcp::auth::testing
