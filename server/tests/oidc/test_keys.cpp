#include "test_keys.hpp"

#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/ecdsa.h>
#include <openssl/evp.h>
#include <openssl/rsa.h>

#include <stdexcept>

namespace bmcp::oidc::testing {

struct TestKey::Key {
  EVP_PKEY* pkey = nullptr;
  ~Key() { EVP_PKEY_free(pkey); }
};

namespace {

std::string bn_bytes(const BIGNUM* bn, int width = 0) {
  const int size = width ? width : BN_num_bytes(bn);
  std::string out(static_cast<std::size_t>(size), '\0');
  BN_bn2binpad(bn, reinterpret_cast<unsigned char*>(out.data()), size);
  return out;
}

std::string bn_param(EVP_PKEY* pkey, const char* name, int width = 0) {
  BIGNUM* bn = nullptr;
  if (EVP_PKEY_get_bn_param(pkey, name, &bn) != 1)
    throw std::runtime_error(name);
  auto bytes = bn_bytes(bn, width);
  BN_free(bn);
  return bytes;
}

}  // namespace

std::string base64url(std::string_view bytes) {
  static constexpr char kAlphabet[] =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
  std::string out;
  std::size_t i = 0;
  for (; i + 2 < bytes.size(); i += 3) {
    const unsigned v = (static_cast<unsigned char>(bytes[i]) << 16) |
                       (static_cast<unsigned char>(bytes[i + 1]) << 8) |
                       static_cast<unsigned char>(bytes[i + 2]);
    out += {kAlphabet[(v >> 18) & 63], kAlphabet[(v >> 12) & 63], kAlphabet[(v >> 6) & 63],
            kAlphabet[v & 63]};
  }
  if (bytes.size() - i == 1) {
    const unsigned v = static_cast<unsigned char>(bytes[i]) << 16;
    out += {kAlphabet[(v >> 18) & 63], kAlphabet[(v >> 12) & 63]};
  } else if (bytes.size() - i == 2) {
    const unsigned v = (static_cast<unsigned char>(bytes[i]) << 16) |
                       (static_cast<unsigned char>(bytes[i + 1]) << 8);
    out += {kAlphabet[(v >> 18) & 63], kAlphabet[(v >> 12) & 63], kAlphabet[(v >> 6) & 63]};
  }
  return out;
}

TestKey::TestKey(std::string kid, std::string alg, std::unique_ptr<Key> key)
    : kid_(std::move(kid)), alg_(std::move(alg)), key_(std::move(key)) {}
TestKey::~TestKey() = default;
TestKey::TestKey(TestKey&&) noexcept = default;

TestKey TestKey::rsa(std::string kid, int bits) {
  auto key = std::make_unique<Key>();
  key->pkey = EVP_RSA_gen(static_cast<unsigned>(bits));
  if (!key->pkey)
    throw std::runtime_error("EVP_RSA_gen");
  return TestKey(std::move(kid), "RS256", std::move(key));
}

TestKey TestKey::p256(std::string kid) {
  auto key = std::make_unique<Key>();
  key->pkey = EVP_EC_gen("P-256");
  if (!key->pkey)
    throw std::runtime_error("EVP_EC_gen");
  return TestKey(std::move(kid), "ES256", std::move(key));
}

json::object TestKey::jwk() const {
  json::object jwk;
  if (alg_ == "RS256") {
    jwk["kty"] = "RSA";
    jwk["n"] = base64url(bn_param(key_->pkey, OSSL_PKEY_PARAM_RSA_N));
    jwk["e"] = base64url(bn_param(key_->pkey, OSSL_PKEY_PARAM_RSA_E));
  } else {
    jwk["kty"] = "EC";
    jwk["crv"] = "P-256";
    jwk["x"] = base64url(bn_param(key_->pkey, OSSL_PKEY_PARAM_EC_PUB_X, 32));
    jwk["y"] = base64url(bn_param(key_->pkey, OSSL_PKEY_PARAM_EC_PUB_Y, 32));
  }
  jwk["kid"] = kid_;
  jwk["use"] = "sig";
  jwk["alg"] = alg_;
  return jwk;
}

std::string TestKey::signature(std::string_view input) const {
  EVP_MD_CTX* context = EVP_MD_CTX_new();
  std::size_t size = 0;
  EVP_DigestSignInit(context, nullptr, EVP_sha256(), nullptr, key_->pkey);
  EVP_DigestSign(context, nullptr, &size, reinterpret_cast<const unsigned char*>(input.data()),
                 input.size());
  std::string out(size, '\0');
  EVP_DigestSign(context, reinterpret_cast<unsigned char*>(out.data()), &size,
                 reinterpret_cast<const unsigned char*>(input.data()), input.size());
  EVP_MD_CTX_free(context);
  out.resize(size);
  if (alg_ != "ES256")
    return out;
  // DER ECDSA-Sig-Value -> R||S.
  const auto* der = reinterpret_cast<const unsigned char*>(out.data());
  ECDSA_SIG* sig = d2i_ECDSA_SIG(nullptr, &der, static_cast<long>(out.size()));
  std::string raw = bn_bytes(ECDSA_SIG_get0_r(sig), 32) + bn_bytes(ECDSA_SIG_get0_s(sig), 32);
  ECDSA_SIG_free(sig);
  return raw;
}

std::string TestKey::sign(const json::object& claims, json::object header) const {
  if (!header.contains("alg"))
    header["alg"] = alg_;
  if (!header.contains("kid"))
    header["kid"] = kid_;
  const std::string input = base64url(to_json_text(header)) + "." + base64url(to_json_text(claims));
  return input + "." + base64url(signature(input));
}

std::string key_set_document(std::initializer_list<const TestKey*> keys) {
  json::array list;
  for (const auto* key : keys)
    list.push_back(key->jwk());
  return to_json_text(json::object{{"keys", std::move(list)}});
}

}  // namespace bmcp::oidc::testing
