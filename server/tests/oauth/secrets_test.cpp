#include "oauth/secrets.hpp"

#include <gtest/gtest.h>

namespace bmcp::oauth {
namespace {

TEST(SecretsTest, S256MatchesTheRfc7636Example) {
  // RFC 7636 appendix B.
  EXPECT_EQ(s256_challenge("dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk"),
            "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM");
}

TEST(SecretsTest, PkceTextIs43To128UnreservedCharacters) {
  EXPECT_TRUE(valid_pkce_text(std::string(43, 'a')));
  EXPECT_TRUE(valid_pkce_text(std::string(128, '~')));
  EXPECT_FALSE(valid_pkce_text(std::string(42, 'a')));
  EXPECT_FALSE(valid_pkce_text(std::string(129, 'a')));
  EXPECT_FALSE(valid_pkce_text(std::string(42, 'a') + "+"));
}

TEST(SecretsTest, SecretsAreRandomAndDigestsStable) {
  EXPECT_NE(random_secret(32), random_secret(32));
  EXPECT_EQ(random_secret(32).size(), 43u);
  EXPECT_EQ(secret_digest("abc"),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  EXPECT_TRUE(same_secret("x", "x"));
  EXPECT_FALSE(same_secret("x", "y"));
}

TEST(SecretsTest, SignaturesDependOnKeyPurposeAndMessage) {
  const Signer a("key", "one");
  EXPECT_TRUE(a.verify("message", a.sign("message")));
  EXPECT_FALSE(a.verify("other", a.sign("message")));
  EXPECT_FALSE(Signer("key", "two").verify("message", a.sign("message")));
  EXPECT_FALSE(Signer("other key", "one").verify("message", a.sign("message")));
  EXPECT_TRUE(Signer("k", "short keys work").verify("m", Signer("k", "short keys work").sign("m")));
}

}  // namespace
}  // namespace bmcp::oauth
