#include "oidc/token_verifier.hpp"

#include <gtest/gtest.h>

#include <map>

#include "test_keys.hpp"

namespace bmcp::oidc {
namespace {

using testing::TestKey;

constexpr char kIssuer[] = "https://id.example/realms/r";
constexpr char kAudience[] = "https://blender.example/mcp";
constexpr char kDiscovery[] = "https://id.example/realms/r/.well-known/openid-configuration";
constexpr char kJwks[] = "https://id.example/realms/r/certs";

// The provider's documents, as the fetch function serves them, and how often each was asked.
struct Documents {
  std::map<std::string, std::string> by_url;
  std::map<std::string, int> fetches;
  Result<std::string, std::string> get(const std::string& url) {
    ++fetches[url];
    const auto found = by_url.find(url);
    if (found == by_url.end())
      return Unexpected{std::string("HTTP 404")};
    return found->second;
  }
};

class TokenVerifierTest : public ::testing::Test {
 protected:
  TokenVerifierTest() {
    documents.by_url[kDiscovery] =
        to_json_text(json::object{{"issuer", kIssuer}, {"jwks_uri", kJwks}});
    documents.by_url[kJwks] = testing::key_set_document({&rsa, &ec});
  }

  TokenVerifier make(ProviderSettings settings = {}) {
    settings.issuer = kIssuer;
    if (settings.audience.empty())
      settings.audience = kAudience;
    return TokenVerifier(
        settings, [this](const std::string& url) { return documents.get(url); }, clock);
  }

  std::int64_t now() const {
    return std::chrono::duration_cast<std::chrono::seconds>(clock.wall_now().time_since_epoch())
        .count();
  }

  json::object claims() const {
    return {{"iss", kIssuer},
            {"aud", kAudience},
            {"sub", "alice"},
            {"iat", now()},
            {"exp", now() + 300}};
  }

  FakeClock clock;
  Documents documents;
  TestKey rsa = TestKey::rsa("rsa-1");
  TestKey ec = TestKey::p256("ec-1");
};

TEST_F(TokenVerifierTest, AcceptsRs256AndEs256Tokens) {
  auto verifier = make();
  for (const auto* key : {&rsa, &ec}) {
    const auto identity = verifier.verify(key->sign(claims()));
    ASSERT_TRUE(identity) << identity.error();
    EXPECT_EQ(identity->username, "alice");
    EXPECT_FALSE(identity->admin);
  }
  EXPECT_EQ(documents.fetches[kDiscovery], 1);
  EXPECT_EQ(documents.fetches[kJwks], 1);
}

TEST_F(TokenVerifierTest, RefusesAlgorithmsOtherThanTheKeys) {
  auto verifier = make();
  EXPECT_EQ(verifier.verify(rsa.sign(claims(), {{"alg", "none"}})).error(),
            "Invalid token: alg not allowed");
  EXPECT_EQ(verifier.verify(rsa.sign(claims(), {{"alg", "HS256"}})).error(),
            "Invalid token: alg not allowed");
  // The RSA key's signature labelled ES256: the key decides the algorithm, not the token.
  EXPECT_EQ(verifier.verify(rsa.sign(claims(), {{"alg", "ES256"}})).error(),
            "Invalid token: alg does not fit the key");
  const std::string unsigned_token = testing::base64url(R"({"alg":"none"})") + "." +
                                     testing::base64url(to_json_text(claims())) + ".";
  EXPECT_EQ(verifier.verify(unsigned_token).error(), "Invalid token: alg not allowed");
}

TEST_F(TokenVerifierTest, RefusesForgedSignaturesAndMalformedTokens) {
  auto verifier = make();
  auto token = ec.sign(claims());
  // A character inside the signature, not its last one: the last character of a base64url
  // signature carries padding bits, so changing 'A' to 'B' there can leave the bytes unchanged.
  char& inside = token[token.rfind('.') + 3];
  inside = inside == 'A' ? 'B' : 'A';
  EXPECT_EQ(verifier.verify(token).error(), "Invalid token: signature verification failed");
  auto other_claims = claims();
  other_claims["sub"] = "mallory";
  const auto good = rsa.sign(claims());
  const auto forged = rsa.sign(other_claims);
  const std::string spliced = forged.substr(0, forged.rfind('.')) + good.substr(good.rfind('.'));
  EXPECT_EQ(verifier.verify(spliced).error(), "Invalid token: signature verification failed");
  for (const char* malformed : {"", "a.b", "a.b.c", "...", "e30.e30.e30.e30"}) {
    EXPECT_EQ(verifier.verify(malformed).error(), "Invalid token: malformed token") << malformed;
  }
}

TEST_F(TokenVerifierTest, ChecksIssuerAudienceAndTimes) {
  auto verifier = make();
  auto c = claims();
  c["iss"] = "https://other.example";
  EXPECT_EQ(verifier.verify(rsa.sign(c)).error(), "Invalid token: wrong issuer");
  c = claims();
  c["aud"] = "https://elsewhere.example/mcp";
  EXPECT_EQ(verifier.verify(rsa.sign(c)).error(), "Invalid token: wrong audience");
  c["aud"] = json::array{"account", kAudience};
  EXPECT_TRUE(verifier.verify(rsa.sign(c)));
  c.erase("aud");
  EXPECT_EQ(verifier.verify(rsa.sign(c)).error(), "Invalid token: wrong audience");
  c = claims();
  c["exp"] = now() - 61;
  EXPECT_EQ(verifier.verify(rsa.sign(c)).error(), "Invalid token: token expired");
  c["exp"] = now() - 30;  // within the leeway
  EXPECT_TRUE(verifier.verify(rsa.sign(c)));
  c.erase("exp");
  EXPECT_EQ(verifier.verify(rsa.sign(c)).error(), "Invalid token: missing exp");
  c = claims();
  c["nbf"] = now() + 120;
  EXPECT_EQ(verifier.verify(rsa.sign(c)).error(), "Invalid token: token not yet valid");
  c["nbf"] = now() + 30;
  EXPECT_TRUE(verifier.verify(rsa.sign(c)));
  c["nbf"] = "soon";
  EXPECT_EQ(verifier.verify(rsa.sign(c)).error(), "Invalid token: malformed nbf");
}

TEST_F(TokenVerifierTest, TheUserAndRolesComeFromTheConfiguredClaims) {
  ProviderSettings settings;
  settings.user_claim = "preferred_username";
  settings.roles_claim = "realm_access.roles";
  auto verifier = make(settings);
  auto c = claims();
  c["preferred_username"] = "bob";
  c["realm_access"] = json::object{{"roles", json::array{"offline_access", "admin"}}};
  auto identity = verifier.verify(ec.sign(c));
  ASSERT_TRUE(identity) << identity.error();
  EXPECT_EQ(identity->username, "bob");
  EXPECT_TRUE(identity->admin);
  c["realm_access"] = json::object{{"roles", json::array{"user"}}};
  EXPECT_FALSE(verifier.verify(ec.sign(c))->admin);
  c["preferred_username"] = "bob@example.com";
  EXPECT_EQ(verifier.verify(ec.sign(c)).error(),
            "Invalid token: the preferred_username claim is not a valid user name");
  c.erase("preferred_username");
  EXPECT_EQ(verifier.verify(ec.sign(c)).error(), "Invalid token: missing preferred_username");

  settings.roles_claim = "scope";  // a space-separated string
  auto by_scope = make(settings);
  c = claims();
  c["preferred_username"] = "carol";
  c["scope"] = "openid admin";
  EXPECT_TRUE(by_scope.verify(ec.sign(c))->admin);
}

TEST_F(TokenVerifierTest, AnUnknownKidFetchesTheKeysOnceWithinTheInterval) {
  auto verifier = make();
  ASSERT_TRUE(verifier.refresh_keys());
  const auto rotated = TestKey::p256("ec-2");
  const auto token = rotated.sign(claims());
  EXPECT_EQ(verifier.verify(token).error(), "Invalid token: unknown signing key");
  EXPECT_EQ(documents.fetches[kJwks], 1);  // fetched just now: not again yet

  clock.advance(std::chrono::seconds(6));
  EXPECT_EQ(verifier.verify(token).error(), "Invalid token: unknown signing key");
  EXPECT_EQ(documents.fetches[kJwks], 2);  // one refresh, which did not have it
  EXPECT_EQ(verifier.verify(token).error(), "Invalid token: unknown signing key");
  EXPECT_EQ(documents.fetches[kJwks], 2);  // and no more within the interval

  documents.by_url[kJwks] = testing::key_set_document({&rsa, &rotated});
  clock.advance(std::chrono::seconds(6));
  EXPECT_TRUE(verifier.verify(token));
  EXPECT_EQ(documents.fetches[kJwks], 3);
  EXPECT_TRUE(verifier.verify(rsa.sign(claims())));  // known keys fetch nothing
  EXPECT_EQ(documents.fetches[kJwks], 3);
  EXPECT_EQ(documents.fetches[kDiscovery], 1);
}

TEST_F(TokenVerifierTest, ADiscoveryDocumentOfAnotherIssuerIsRefused) {
  documents.by_url[kDiscovery] =
      to_json_text(json::object{{"issuer", "https://evil.example"}, {"jwks_uri", kJwks}});
  auto verifier = make();
  const auto status = verifier.refresh_keys();
  ASSERT_FALSE(status);
  EXPECT_NE(status.error().message.find("its issuer is not"), std::string::npos);
  EXPECT_EQ(verifier.verify(rsa.sign(claims())).error(), "Invalid token: unknown signing key");
  documents.by_url.erase(kDiscovery);
  EXPECT_NE(verifier.refresh_keys().error().message.find("HTTP 404"), std::string::npos);
}

TEST(DiscoveryUrlTest, AppendsTheWellKnownPath) {
  EXPECT_EQ(discovery_url("https://a.example"),
            "https://a.example/.well-known/openid-configuration");
  EXPECT_EQ(discovery_url("https://a.example/t/"),
            "https://a.example/t/.well-known/openid-configuration");
}

}  // namespace
}  // namespace bmcp::oidc
