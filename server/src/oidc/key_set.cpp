#include "oidc/key_set.hpp"

namespace bmcp::oidc {

Result<KeySet, std::string> KeySet::parse(std::string_view document) {
  const auto value = parse_json(document);
  if (!value || !value->is_object())
    return Unexpected{std::string("not a JSON object")};
  const auto* keys = value->as_object().if_contains("keys");
  if (!keys || !keys->is_array())
    return Unexpected{std::string("no \"keys\" array")};
  KeySet set;
  for (const auto& entry : keys->as_array()) {
    if (!entry.is_object())
      return Unexpected{std::string("a key that is not an object")};
    const auto& jwk = entry.as_object();
    if (const auto* use = find_string(jwk, "use"); use && *use != "sig")
      continue;
    const auto* kty = find_string(jwk, "kty");
    if (!kty || (*kty != "RSA" && *kty != "EC"))
      continue;
    if (const auto* crv = find_string(jwk, "crv"); *kty == "EC" && (!crv || *crv != "P-256")) {
      continue;
    }
    const auto* kid_text = find_string(jwk, "kid");
    const std::string kid = kid_text ? std::string(*kid_text) : std::string();
    auto key = PublicKey::from_jwk(jwk);
    if (!key)
      return Unexpected{"key \"" + kid + "\": " + key.error()};
    set.keys_.insert_or_assign(kid, std::move(*key));
  }
  return set;
}

std::shared_ptr<const PublicKey> KeySet::find(std::string_view kid) const {
  if (kid.empty() && keys_.size() == 1)
    return keys_.begin()->second;
  const auto found = keys_.find(kid);
  return found == keys_.end() ? nullptr : found->second;
}

}  // namespace bmcp::oidc
