#include "oidc/public_key.hpp"

#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/ecdsa.h>
#include <openssl/evp.h>
#include <openssl/param_build.h>

#include "core/base64.hpp"

namespace bmcp::oidc {

struct PublicKey::Key {
  EVP_PKEY* pkey = nullptr;
  ~Key() { EVP_PKEY_free(pkey); }
};

namespace {

using Made = Result<std::shared_ptr<const PublicKey>, std::string>;

struct BnFree {
  void operator()(BIGNUM* bn) const { BN_free(bn); }
};
using Bn = std::unique_ptr<BIGNUM, BnFree>;

std::optional<std::string> member_bytes(const json::object& jwk, std::string_view name) {
  const auto* text = find_string(jwk, name);
  if (!text)
    return std::nullopt;
  auto bytes = base64url_decode(std::string_view(text->data(), text->size()));
  if (!bytes || bytes->empty())
    return std::nullopt;
  return bytes;
}

Bn to_bn(const std::string& bytes) {
  return Bn(BN_bin2bn(reinterpret_cast<const unsigned char*>(bytes.data()),
                      static_cast<int>(bytes.size()), nullptr));
}

// Builds an EVP_PKEY of `type` ("RSA", "EC") from the parameters; null when OpenSSL refuses.
EVP_PKEY* key_from(const char* type, OSSL_PARAM_BLD* builder) {
  OSSL_PARAM* params = OSSL_PARAM_BLD_to_param(builder);
  EVP_PKEY_CTX* context = EVP_PKEY_CTX_new_from_name(nullptr, type, nullptr);
  EVP_PKEY* pkey = nullptr;
  if (params && context && EVP_PKEY_fromdata_init(context) == 1) {
    if (EVP_PKEY_fromdata(context, &pkey, EVP_PKEY_PUBLIC_KEY, params) != 1)
      pkey = nullptr;
  }
  EVP_PKEY_CTX_free(context);
  OSSL_PARAM_free(params);
  return pkey;
}

EVP_PKEY* rsa_key(const std::string& n, const std::string& e) {
  Bn modulus = to_bn(n);
  Bn exponent = to_bn(e);
  OSSL_PARAM_BLD* builder = OSSL_PARAM_BLD_new();
  EVP_PKEY* pkey = nullptr;
  if (builder && modulus && exponent &&
      OSSL_PARAM_BLD_push_BN(builder, OSSL_PKEY_PARAM_RSA_N, modulus.get()) == 1 &&
      OSSL_PARAM_BLD_push_BN(builder, OSSL_PKEY_PARAM_RSA_E, exponent.get()) == 1) {
    pkey = key_from("RSA", builder);
  }
  OSSL_PARAM_BLD_free(builder);
  return pkey;
}

EVP_PKEY* p256_key(const std::string& x, const std::string& y) {
  std::string point = "\x04" + x + y;  // an uncompressed point (SEC 1)
  OSSL_PARAM_BLD* builder = OSSL_PARAM_BLD_new();
  EVP_PKEY* pkey = nullptr;
  if (builder &&
      OSSL_PARAM_BLD_push_utf8_string(builder, OSSL_PKEY_PARAM_GROUP_NAME, "prime256v1", 0) == 1 &&
      OSSL_PARAM_BLD_push_octet_string(builder, OSSL_PKEY_PARAM_PUB_KEY, point.data(),
                                       point.size()) == 1) {
    pkey = key_from("EC", builder);
  }
  OSSL_PARAM_BLD_free(builder);
  // fromdata does not check that the point is on the curve; a key check does.
  if (pkey) {
    EVP_PKEY_CTX* check = EVP_PKEY_CTX_new_from_pkey(nullptr, pkey, nullptr);
    const bool valid = check && EVP_PKEY_public_check(check) == 1;
    EVP_PKEY_CTX_free(check);
    if (!valid) {
      EVP_PKEY_free(pkey);
      pkey = nullptr;
    }
  }
  return pkey;
}

// R||S (32 bytes each) as the DER ECDSA-Sig-Value OpenSSL verifies.
std::optional<std::string> ecdsa_der(std::string_view raw) {
  if (raw.size() != 64)
    return std::nullopt;
  ECDSA_SIG* sig = ECDSA_SIG_new();
  BIGNUM* r = BN_bin2bn(reinterpret_cast<const unsigned char*>(raw.data()), 32, nullptr);
  BIGNUM* s = BN_bin2bn(reinterpret_cast<const unsigned char*>(raw.data()) + 32, 32, nullptr);
  std::optional<std::string> der;
  if (sig && r && s && ECDSA_SIG_set0(sig, r, s) == 1) {
    r = s = nullptr;  // owned by sig now
    unsigned char* out = nullptr;
    const int size = i2d_ECDSA_SIG(sig, &out);
    if (size > 0)
      der = std::string(reinterpret_cast<const char*>(out), size);
    OPENSSL_free(out);
  }
  BN_free(r);
  BN_free(s);
  ECDSA_SIG_free(sig);
  return der;
}

}  // namespace

PublicKey::PublicKey(std::string alg, std::unique_ptr<Key> key)
    : alg_(std::move(alg)), key_(std::move(key)) {}

PublicKey::~PublicKey() = default;

Made PublicKey::from_jwk(const json::object& jwk) {
  const auto* kty = find_string(jwk, "kty");
  if (!kty)
    return Unexpected{std::string("kty missing")};
  std::string alg;
  auto key = std::make_unique<Key>();
  if (*kty == "RSA") {
    alg = "RS256";
    const auto n = member_bytes(jwk, "n");
    const auto e = member_bytes(jwk, "e");
    if (!n)
      return Unexpected{std::string("n missing or not base64url")};
    if (!e)
      return Unexpected{std::string("e missing or not base64url")};
    key->pkey = rsa_key(*n, *e);
    if (!key->pkey)
      return Unexpected{std::string("not an RSA public key")};
    if (EVP_PKEY_get_bits(key->pkey) < 2048) {
      return Unexpected{std::string("RSA key shorter than 2048 bits")};
    }
  } else if (*kty == "EC") {
    alg = "ES256";
    const auto* crv = find_string(jwk, "crv");
    if (!crv || *crv != "P-256")
      return Unexpected{std::string("crv is not P-256")};
    const auto x = member_bytes(jwk, "x");
    const auto y = member_bytes(jwk, "y");
    if (!x || x->size() != 32)
      return Unexpected{std::string("x is not 32 bytes of base64url")};
    if (!y || y->size() != 32)
      return Unexpected{std::string("y is not 32 bytes of base64url")};
    key->pkey = p256_key(*x, *y);
    if (!key->pkey)
      return Unexpected{std::string("not a point of P-256")};
  } else {
    return Unexpected{"unsupported kty " + std::string(*kty)};
  }
  if (const auto* named = find_string(jwk, "alg"); named && *named != alg) {
    return Unexpected{"alg " + std::string(*named) + " does not fit a " + std::string(*kty) +
                      " key"};
  }
  return std::shared_ptr<const PublicKey>(new PublicKey(std::move(alg), std::move(key)));
}

bool PublicKey::verify(std::string_view signing_input, std::string_view signature) const {
  std::string der;
  if (alg_ == "ES256") {
    auto converted = ecdsa_der(signature);
    if (!converted)
      return false;
    der = std::move(*converted);
    signature = der;
  }
  EVP_MD_CTX* context = EVP_MD_CTX_new();
  bool valid = false;
  if (context && EVP_DigestVerifyInit(context, nullptr, EVP_sha256(), nullptr, key_->pkey) == 1) {
    valid = EVP_DigestVerify(context, reinterpret_cast<const unsigned char*>(signature.data()),
                             signature.size(),
                             reinterpret_cast<const unsigned char*>(signing_input.data()),
                             signing_input.size()) == 1;
  }
  EVP_MD_CTX_free(context);
  return valid;
}

}  // namespace bmcp::oidc
