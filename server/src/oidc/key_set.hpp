#pragma once

#include <map>
#include <memory>
#include <string>
#include <string_view>

#include "core/result.hpp"
#include "oidc/public_key.hpp"

namespace bmcp::oidc {

// The signing keys of a JWK Set document (RFC 7517 section 5), by `kid`. Keys marked for
// another use than "sig", and keys of a type this server does not verify with, are left out;
// a key of a supported type that is broken fails the whole set (the provider is misconfigured).
class KeySet {
 public:
  KeySet() = default;
  // The error says what is wrong (not JSON, no "keys" array, a key that cannot be read).
  static Result<KeySet, std::string> parse(std::string_view document);

  // The key with this kid; with an empty kid, the only key when there is exactly one.
  std::shared_ptr<const PublicKey> find(std::string_view kid) const;
  std::size_t size() const { return keys_.size(); }

 private:
  std::map<std::string, std::shared_ptr<const PublicKey>, std::less<>> keys_;
};

}  // namespace bmcp::oidc
