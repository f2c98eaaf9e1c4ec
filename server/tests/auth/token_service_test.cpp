#include "auth/token_service.hpp"

#include <gtest/gtest.h>

#include <algorithm>

#include "auth/jwt_codec.hpp"
#include "core/json_text.hpp"
#include "jwt_test_support.hpp"

namespace bmcp::auth {
namespace {

using std::chrono::seconds;

constexpr std::string_view kKey = "test-signing-key";

class TokenServiceTest : public ::testing::Test {
 protected:
  std::int64_t now() const {
    return std::chrono::duration_cast<seconds>(clock_.wall_now().time_since_epoch()).count();
  }

  TokenError error_of(std::string_view token) const {
    const auto claims = service_.verify(token);
    EXPECT_FALSE(claims.ok());
    return claims.ok() ? TokenError::kMalformed : claims.error();
  }

  // A token with any claims, signed with the service's key.
  static std::string signed_claims(const json::object& claims) { return sign_hs256(claims, kKey); }

  FakeClock clock_;
  TokenService service_{std::string(kKey), clock_, seconds(1800), seconds(7 * 86400)};
  const UserRecord demo_{"demo", "", {"user"}, {"read", "write"}, 0, 0, "0123456789abcdef"};
};

bool is_hex32(const std::string& text) {
  return text.size() == 32 && std::all_of(text.begin(), text.end(), [](char c) {
           return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f');
         });
}

TEST_F(TokenServiceTest, AnAccessTokenCarriesTheContractClaims) {
  const auto issued = service_.issue_access(demo_);
  const auto claims = service_.verify(issued.token);
  ASSERT_TRUE(claims.ok());
  EXPECT_EQ(claims->sub, "demo");
  EXPECT_EQ(claims->uid, "0123456789abcdef");
  EXPECT_EQ(claims->username, "demo");
  EXPECT_EQ(claims->roles, std::vector<std::string>{"user"});
  EXPECT_EQ(claims->scopes, (std::vector<std::string>{"read", "write"}));
  EXPECT_EQ(claims->typ, "access");
  EXPECT_EQ(claims->iat, now());
  EXPECT_EQ(claims->exp, now() + 1800);
  EXPECT_EQ(claims->jti, issued.jti);
  EXPECT_TRUE(is_hex32(issued.jti));
  EXPECT_EQ(issued.iat, claims->iat);
  EXPECT_EQ(issued.exp, claims->exp);
}

TEST_F(TokenServiceTest, ARefreshTokenCarriesOnlySubUidIatExpJtiAndTyp) {
  const auto issued = service_.issue_refresh(demo_);
  const auto payload = decode_hs256(issued.token, kKey);
  ASSERT_TRUE(payload.ok());
  EXPECT_EQ(*payload, (json::object{{"sub", "demo"},
                                    {"uid", "0123456789abcdef"},
                                    {"iat", now()},
                                    {"exp", now() + std::int64_t{7} * 86400},
                                    {"jti", issued.jti},
                                    {"typ", "refresh"}}));
  EXPECT_TRUE(is_hex32(issued.jti));
}

TEST_F(TokenServiceTest, EveryTokenGetsAFreshJti) {
  EXPECT_NE(service_.issue_access(demo_).jti, service_.issue_access(demo_).jti);
  EXPECT_NE(service_.issue_refresh(demo_).jti, service_.issue_refresh(demo_).jti);
}

TEST_F(TokenServiceTest, ATokenIsValidUntilTheSecondBeforeItsExpiry) {
  const auto issued = service_.issue_access(demo_);
  clock_.advance(seconds(1799));
  EXPECT_TRUE(service_.verify(issued.token).ok());
}

TEST_F(TokenServiceTest, ATokenHasExpiredWhenExpEqualsNow) {
  const auto issued = service_.issue_access(demo_);
  clock_.advance(seconds(1800));
  EXPECT_EQ(error_of(issued.token), TokenError::kExpired);
}

TEST_F(TokenServiceTest, ExpiryFollowsTheInjectedClockNotTheSystemClock) {
  // The fake clock starts in 2025: by the system clock this token expired long ago, by the
  // injected one it is fresh.
  const auto issued = service_.issue_access(demo_);
  EXPECT_TRUE(service_.verify(issued.token).ok());
  // Ten years on, by the injected clock only, it has expired.
  clock_.advance(std::chrono::hours(24 * 3650));
  EXPECT_EQ(error_of(issued.token), TokenError::kExpired);
}

TEST_F(TokenServiceTest, VerifySignatureOnlyAcceptsAnExpiredToken) {
  const auto issued = service_.issue_refresh(demo_);
  clock_.advance(seconds(8 * 86400));
  const auto claims = service_.verify_signature_only(issued.token);
  ASSERT_TRUE(claims.ok());
  EXPECT_EQ(claims->sub, "demo");
}

TEST_F(TokenServiceTest, VerifySignatureOnlyStillRejectsABadSignature) {
  const auto issued = service_.issue_access(demo_);
  const auto claims = service_.verify_signature_only(testing::tamper(issued.token, 2));
  ASSERT_FALSE(claims.ok());
  EXPECT_EQ(claims.error(), TokenError::kBadSignature);
}

TEST_F(TokenServiceTest, ATokenFromAnotherKeyFailsVerification) {
  const TokenService other("another-key", clock_, seconds(1800), seconds(3600));
  EXPECT_EQ(error_of(other.issue_access(demo_).token), TokenError::kBadSignature);
}

TEST_F(TokenServiceTest, AnAlgNoneTokenIsNotAllowed) {
  const std::string token = testing::libjwt_token(
      JWT_ALG_NONE, R"({"sub":"demo","exp":)" + std::to_string(now() + 60) + "}", "");
  EXPECT_EQ(error_of(token), TokenError::kAlgNotAllowed);
}

TEST_F(TokenServiceTest, AnHs512TokenSignedWithOurKeyIsNotAllowed) {
  const std::string token = testing::libjwt_token(
      JWT_ALG_HS512, R"({"sub":"demo","exp":)" + std::to_string(now() + 60) + "}", kKey);
  EXPECT_EQ(error_of(token), TokenError::kAlgNotAllowed);
}

TEST_F(TokenServiceTest, GarbageIsMalformed) {
  EXPECT_EQ(error_of("not a token"), TokenError::kMalformed);
}

TEST_F(TokenServiceTest, ATokenWithoutSubIsMissingSub) {
  EXPECT_EQ(error_of(signed_claims({{"exp", now() + 60}})), TokenError::kMissingSub);
  EXPECT_EQ(error_of(signed_claims({{"sub", ""}, {"exp", now() + 60}})), TokenError::kMissingSub);
  EXPECT_EQ(error_of(signed_claims({{"sub", 7}, {"exp", now() + 60}})), TokenError::kMissingSub);
}

TEST_F(TokenServiceTest, ExpiryIsCheckedBeforeSub) {
  EXPECT_EQ(error_of(signed_claims({{"exp", now()}})), TokenError::kExpired);
}

TEST_F(TokenServiceTest, ATokenWithoutUidIsMissingUid) {
  const auto later = now() + 60;
  EXPECT_EQ(error_of(signed_claims({{"sub", "demo"}, {"exp", later}})), TokenError::kMissingUid);
  EXPECT_EQ(error_of(signed_claims({{"sub", "demo"}, {"uid", ""}, {"exp", later}})),
            TokenError::kMissingUid);
  EXPECT_EQ(error_of(signed_claims({{"sub", "demo"}, {"uid", 7}, {"exp", later}})),
            TokenError::kMissingUid);
  // Also when only the signature is checked (logout).
  const auto unchecked =
      service_.verify_signature_only(signed_claims({{"sub", "demo"}, {"exp", 1}}));
  ASSERT_FALSE(unchecked.ok());
  EXPECT_EQ(unchecked.error(), TokenError::kMissingUid);
}

TEST_F(TokenServiceTest, SubIsCheckedBeforeUid) {
  EXPECT_EQ(error_of(signed_claims({{"exp", now() + 60}})), TokenError::kMissingSub);
}

TEST_F(TokenServiceTest, ATokenWithoutExpIsMalformed) {
  EXPECT_EQ(error_of(signed_claims({{"sub", "demo"}})), TokenError::kMalformed);
}

TEST_F(TokenServiceTest, ClaimsOfTheWrongTypeAreMalformed) {
  const auto later = now() + 60;
  EXPECT_EQ(error_of(signed_claims({{"sub", "demo"}, {"exp", "tomorrow"}})),
            TokenError::kMalformed);
  EXPECT_EQ(error_of(signed_claims({{"sub", "demo"}, {"exp", 1.5e9}})), TokenError::kMalformed);
  EXPECT_EQ(error_of(signed_claims({{"sub", "demo"}, {"exp", later}, {"roles", "admin"}})),
            TokenError::kMalformed);
  EXPECT_EQ(error_of(signed_claims({{"sub", "demo"}, {"exp", later}, {"scopes", json::array{1}}})),
            TokenError::kMalformed);
  EXPECT_EQ(error_of(signed_claims({{"sub", "demo"}, {"exp", later}, {"typ", 1}})),
            TokenError::kMalformed);
}

TEST_F(TokenServiceTest, AbsentOptionalClaimsAreLeftEmpty) {
  const auto claims =
      service_.verify(signed_claims({{"sub", "demo"}, {"uid", "u"}, {"exp", now() + 60}}));
  ASSERT_TRUE(claims.ok());
  EXPECT_EQ(claims->typ, "");
  EXPECT_EQ(claims->jti, "");
  EXPECT_TRUE(claims->roles.empty());
  EXPECT_EQ(claims->iat, 0);
}

// The audience (docs/authorization.md): this server's public /mcp URL.
constexpr std::string_view kAudience = "http://127.0.0.1:8000/mcp";

TEST_F(TokenServiceTest, AccessTokensCarryTheAudienceOnceOneIsSet) {
  EXPECT_EQ(decode_hs256(service_.issue_access(demo_).token, kKey)->count("aud"), 0u);
  service_.set_audience(std::string(kAudience));
  const auto claims = service_.verify(service_.issue_access(demo_).token);
  ASSERT_TRUE(claims.ok());
  EXPECT_EQ(claims->audiences, std::vector<std::string>{std::string(kAudience)});
  // Refresh tokens never do: they are redeemed here, not presented to a resource.
  EXPECT_EQ(decode_hs256(service_.issue_refresh(demo_).token, kKey)->count("aud"), 0u);
  EXPECT_TRUE(service_.verify(service_.issue_refresh(demo_).token).ok());
}

TEST_F(TokenServiceTest, AnAccessTokenWithoutAudIsMissingAudienceOnceAnAudienceIsSet) {
  const json::object claims{{"sub", "demo"}, {"uid", "u"}, {"exp", now() + 60}, {"typ", "access"}};
  const auto token = signed_claims(claims);
  EXPECT_TRUE(service_.verify(token).ok());  // no audience yet: nothing to compare with
  service_.set_audience(std::string(kAudience));
  EXPECT_EQ(error_of(token), TokenError::kMissingAudience);
  EXPECT_EQ(token_error_detail(TokenError::kMissingAudience), "Invalid token: missing audience");
  // Checked after uid, like the wrong audience.
  EXPECT_EQ(error_of(signed_claims({{"sub", "demo"}, {"exp", now() + 60}, {"typ", "access"}})),
            TokenError::kMissingUid);
  // Logout accepts it, as it accepts an expired one.
  EXPECT_TRUE(service_.verify_signature_only(token).ok());
  // Not an access token: the caller refuses it for its type, not for its audience.
  EXPECT_TRUE(
      service_.verify(signed_claims({{"sub", "demo"}, {"uid", "u"}, {"exp", now() + 60}})).ok());
}

TEST_F(TokenServiceTest, AnAudThatDoesNotNameTheAudienceIsWrongAudience) {
  service_.set_audience(std::string(kAudience));
  const auto with_aud = [&](json::value aud) {
    return signed_claims({{"sub", "demo"},
                          {"uid", "u"},
                          {"exp", now() + 60},
                          {"typ", "access"},
                          {"aud", std::move(aud)}});
  };
  EXPECT_EQ(error_of(with_aud("https://other.example/mcp")), TokenError::kWrongAudience);
  EXPECT_EQ(error_of(with_aud(json::array{})), TokenError::kMissingAudience);
  EXPECT_EQ(error_of(with_aud(json::array{"https://other.example/mcp"})),
            TokenError::kWrongAudience);
  EXPECT_TRUE(service_.verify(with_aud(json::string(kAudience))).ok());
  EXPECT_TRUE(
      service_.verify(with_aud(json::array{"https://other.example/mcp", json::string(kAudience)}))
          .ok());
  // A refresh token with a foreign aud is refused too (also where only the signature counts).
  const auto refresh = signed_claims({{"sub", "demo"},
                                      {"uid", "u"},
                                      {"exp", now() + 60},
                                      {"typ", "refresh"},
                                      {"aud", "https://other.example/mcp"}});
  EXPECT_EQ(error_of(refresh), TokenError::kWrongAudience);
  EXPECT_EQ(service_.verify_signature_only(refresh).error(), TokenError::kWrongAudience);
}

TEST_F(TokenServiceTest, AnEmptyKeyOrANonPositiveLifetimeIsRefused) {
  EXPECT_THROW(TokenService("", clock_, seconds(1), seconds(1)), std::invalid_argument);
  EXPECT_THROW(TokenService("k", clock_, seconds(0), seconds(1)), std::invalid_argument);
  EXPECT_THROW(TokenService("k", clock_, seconds(1), seconds(-1)), std::invalid_argument);
}

TEST_F(TokenServiceTest, TheAccessLifetimeIsReported) {
  EXPECT_EQ(service_.access_ttl(), seconds(1800));
  EXPECT_EQ(service_.refresh_ttl(), seconds(7 * 86400));
}

}  // namespace
}  // namespace bmcp::auth
