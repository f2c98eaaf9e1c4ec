#include "oidc/key_set.hpp"

#include <gtest/gtest.h>

#include "test_keys.hpp"

namespace bmcp::oidc {
namespace {

using testing::TestKey;

TEST(KeySetTest, FindsKeysByKid) {
  const auto rsa = TestKey::rsa("r1");
  const auto ec = TestKey::p256("e1");
  const auto set = KeySet::parse(testing::key_set_document({&rsa, &ec}));
  ASSERT_TRUE(set) << set.error();
  EXPECT_EQ(set->size(), 2u);
  EXPECT_EQ(set->find("r1")->alg(), "RS256");
  EXPECT_EQ(set->find("e1")->alg(), "ES256");
  EXPECT_EQ(set->find("zz"), nullptr);
  EXPECT_EQ(set->find(""), nullptr);  // two keys: no kid names none of them
}

TEST(KeySetTest, SkipsKeysForOtherUsesAndTypes) {
  auto encryption = TestKey::rsa("enc").jwk();
  encryption["use"] = "enc";
  json::object document{
      {"keys", json::array{encryption, json::object{{"kty", "oct"}, {"k", "AAAA"}},
                           json::object{{"kty", "OKP"}, {"crv", "Ed25519"}, {"x", "AA"}},
                           TestKey::p256("only").jwk()}}};
  const auto set = KeySet::parse(to_json_text(document));
  ASSERT_TRUE(set) << set.error();
  EXPECT_EQ(set->size(), 1u);
  EXPECT_NE(set->find(""), nullptr);
}

TEST(KeySetTest, RefusesDocumentsThatAreNotKeySets) {
  EXPECT_EQ(KeySet::parse("nope").error(), "not a JSON object");
  EXPECT_EQ(KeySet::parse("{}").error(), "no \"keys\" array");
  EXPECT_EQ(KeySet::parse(R"({"keys":[1]})").error(), "a key that is not an object");
  EXPECT_EQ(KeySet::parse(R"({"keys":[{"kty":"RSA","kid":"k","e":"AQAB"}]})").error(),
            "key \"k\": n missing or not base64url");
}

}  // namespace
}  // namespace bmcp::oidc
