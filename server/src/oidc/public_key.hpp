#pragma once

#include <memory>
#include <string>
#include <string_view>

#include "core/json_text.hpp"
#include "core/result.hpp"

namespace bmcp::oidc {

// One verification key of a provider's JWK Set (RFC 7517): an RSA key (RS256) or a P-256 EC
// key (ES256). OpenSSL stays inside public_key.cpp.
// Thread safety: verify() may be called from any thread.
class PublicKey {
 public:
  // kty "RSA" (n, e; at least 2048 bits) or kty "EC" with crv "P-256" (x, y, 32 bytes each);
  // an `alg` member, when present, must be the one such a key signs with. The error names the
  // member that is wrong.
  static Result<std::shared_ptr<const PublicKey>, std::string> from_jwk(const json::object& jwk);
  ~PublicKey();
  PublicKey(const PublicKey&) = delete;
  PublicKey& operator=(const PublicKey&) = delete;

  // "RS256" or "ES256": the only alg a token signed by this key may name.
  const std::string& alg() const { return alg_; }
  // Whether `signature` (as in the JWS: PKCS#1 v1.5 for RS256, the 64-byte R||S for ES256)
  // signs `signing_input` with this key.
  bool verify(std::string_view signing_input, std::string_view signature) const;

 private:
  struct Key;
  PublicKey(std::string alg, std::unique_ptr<Key> key);

  std::string alg_;
  std::unique_ptr<Key> key_;
};

}  // namespace bmcp::oidc
