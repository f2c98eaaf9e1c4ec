#pragma once

#include <string>
#include <string_view>

namespace bmcp::oauth {

// The cryptography of the authorization server, on libsodium.

// A new random secret for a code, refresh token or client id: `bytes` random bytes as
// unpadded base64url.
std::string random_secret(std::size_t bytes);
// What the store keeps of a code or refresh token: the SHA-256 of the text, lowercase hex.
std::string secret_digest(std::string_view secret);
// PKCE S256 (RFC 7636 section 4.2): BASE64URL(SHA256(verifier)), unpadded.
std::string s256_challenge(std::string_view verifier);
// RFC 7636 section 4.1: 43 to 128 characters of [A-Z a-z 0-9 - . _ ~].
bool valid_pkce_text(std::string_view text);
// Constant-time comparison of two strings of any length.
bool same_secret(std::string_view a, std::string_view b);

// HMAC-SHA-256 under a key derived from the server's signing key for one purpose, so the
// browser cookies and CSRF tokens never share a key with the JWTs.
class Signer {
 public:
  Signer(std::string_view signing_key, std::string_view purpose);
  // base64url, unpadded.
  std::string sign(std::string_view message) const;
  bool verify(std::string_view message, std::string_view signature) const;

 private:
  std::string key_;  // 32 bytes
};

}  // namespace bmcp::oauth
