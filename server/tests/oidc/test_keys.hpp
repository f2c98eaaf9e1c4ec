#pragma once

#include <memory>
#include <string>

#include "core/json_text.hpp"

namespace bmcp::oidc::testing {

std::string base64url(std::string_view bytes);

// A fresh signing key made with OpenSSL, as a provider would hold it: its public JWK and
// JWS signatures by it.
class TestKey {
 public:
  static TestKey rsa(std::string kid, int bits = 2048);
  static TestKey p256(std::string kid);
  ~TestKey();
  TestKey(TestKey&&) noexcept;

  const std::string& alg() const { return alg_; }
  json::object jwk() const;
  // A compact JWS of these header fields and claims ({"alg": alg(), "kid": kid} unless the
  // header says otherwise).
  std::string sign(const json::object& claims, json::object header = {}) const;
  // The raw signature of the input (PKCS#1 v1.5 or R||S).
  std::string signature(std::string_view input) const;

 private:
  struct Key;
  TestKey(std::string kid, std::string alg, std::unique_ptr<Key> key);
  std::string kid_;
  std::string alg_;
  std::unique_ptr<Key> key_;
};

// {"keys": [...]} of the keys' JWKs.
std::string key_set_document(std::initializer_list<const TestKey*> keys);

}  // namespace bmcp::oidc::testing
