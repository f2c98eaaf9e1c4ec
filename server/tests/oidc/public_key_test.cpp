#include "oidc/public_key.hpp"

#include <gtest/gtest.h>

#include "test_keys.hpp"

namespace bmcp::oidc {
namespace {

using testing::TestKey;

TEST(PublicKeyTest, VerifiesRs256AndEs256Signatures) {
  for (const auto& signer : {TestKey::rsa("r"), TestKey::p256("e")}) {
    const auto key = PublicKey::from_jwk(signer.jwk());
    ASSERT_TRUE(key) << key.error();
    EXPECT_EQ((*key)->alg(), signer.alg());
    const auto signature = signer.signature("header.payload");
    EXPECT_TRUE((*key)->verify("header.payload", signature));
    EXPECT_FALSE((*key)->verify("header.payloaD", signature));
    EXPECT_FALSE((*key)->verify("header.payload", signature.substr(1)));
    EXPECT_FALSE((*key)->verify("header.payload", ""));
  }
}

TEST(PublicKeyTest, AnotherKeysSignatureFails) {
  const auto signer = TestKey::p256("a");
  const auto other = PublicKey::from_jwk(TestKey::p256("b").jwk());
  ASSERT_TRUE(other);
  EXPECT_FALSE((*other)->verify("x.y", signer.signature("x.y")));
}

TEST(PublicKeyTest, RefusesBrokenOrUnsupportedKeysNamingWhy) {
  auto rsa = TestKey::rsa("r").jwk();
  rsa.erase("n");
  EXPECT_EQ(PublicKey::from_jwk(rsa).error(), "n missing or not base64url");
  EXPECT_EQ(PublicKey::from_jwk(TestKey::rsa("short", 1024).jwk()).error(),
            "RSA key shorter than 2048 bits");
  auto ec = TestKey::p256("e").jwk();
  ec["crv"] = "P-384";
  EXPECT_EQ(PublicKey::from_jwk(ec).error(), "crv is not P-256");
  ec = TestKey::p256("e").jwk();
  ec["y"] = ec["x"];  // almost surely not on the curve
  EXPECT_EQ(PublicKey::from_jwk(ec).error(), "not a point of P-256");
  ec = TestKey::p256("e").jwk();
  ec["alg"] = "RS256";
  EXPECT_EQ(PublicKey::from_jwk(ec).error(), "alg RS256 does not fit a EC key");
  EXPECT_EQ(PublicKey::from_jwk(json::object{{"kty", "oct"}, {"k", "AAAA"}}).error(),
            "unsupported kty oct");
  EXPECT_EQ(PublicKey::from_jwk(json::object{}).error(), "kty missing");
}

}  // namespace
}  // namespace bmcp::oidc
