#include "auth/jwt_codec.hpp"

#include <gtest/gtest.h>

#include "core/json_text.hpp"
#include "jwt_test_support.hpp"

namespace bmcp::auth {
namespace {

using testing::libjwt_token;
using testing::tamper;
using testing::unsigned_token;

constexpr std::string_view kKey = "test-signing-key";
constexpr std::string_view kClaims = R"({"sub":"demo","exp":1763728200})";

std::string header_json_of(const std::string& token) {
  const std::string segment = token.substr(0, token.find('.'));
  std::string bytes(segment.size(), '\0');
  std::size_t size = 0;
  sodium_base642bin(reinterpret_cast<unsigned char*>(bytes.data()), bytes.size(), segment.data(),
                    segment.size(), nullptr, &size, nullptr,
                    sodium_base64_VARIANT_URLSAFE_NO_PADDING);
  bytes.resize(size);
  return bytes;
}

TokenError error_of(std::string_view token, std::string_view key = kKey) {
  const auto decoded = decode_hs256(token, key);
  EXPECT_FALSE(decoded.ok()) << token;
  return decoded.ok() ? TokenError::kMissingSub : decoded.error();
}

TEST(JwtCodec, ASignedTokenHasTheHs256JwtHeader) {
  const std::string token = sign_hs256({{"sub", "demo"}}, kKey);
  const auto header = parse_json(header_json_of(token));
  ASSERT_TRUE(header.has_value());
  EXPECT_EQ(*header, (json::value{{"alg", "HS256"}, {"typ", "JWT"}}));
}

TEST(JwtCodec, ASignedTokenDecodesToItsClaims) {
  const json::object claims{{"sub", "demo"}, {"roles", json::array{"a", "b"}}, {"exp", 42}};
  const auto decoded = decode_hs256(sign_hs256(claims, kKey), kKey);
  ASSERT_TRUE(decoded.ok());
  EXPECT_EQ(*decoded, claims);
}

TEST(JwtCodec, TextThatIsNotThreeSegmentsIsMalformed) {
  const std::string good = sign_hs256({{"sub", "demo"}}, kKey);
  for (const std::string& token :
       {std::string(), std::string("abc"), std::string("a.b"), good + ".extra", good + ".",
        std::string("..sig"), "." + good.substr(good.find('.'))}) {
    EXPECT_EQ(error_of(token), TokenError::kMalformed) << token;
  }
}

TEST(JwtCodec, CharactersOutsideTheBase64UrlAlphabetAreMalformed) {
  const std::string good = sign_hs256({{"sub", "demo"}}, kKey);
  EXPECT_EQ(error_of("a+b/" + good), TokenError::kMalformed);
  EXPECT_EQ(error_of(good + "="), TokenError::kMalformed);
  EXPECT_EQ(error_of(" " + good), TokenError::kMalformed);
}

TEST(JwtCodec, APayloadThatIsNotJsonIsMalformed) {
  EXPECT_EQ(error_of(unsigned_token(R"({"alg":"HS256","typ":"JWT"})", "not json", "c2ln")),
            TokenError::kMalformed);
}

TEST(JwtCodec, APayloadThatIsNotAnObjectIsMalformed) {
  EXPECT_EQ(error_of(unsigned_token(R"({"alg":"HS256","typ":"JWT"})", "[1,2]", "c2ln")),
            TokenError::kMalformed);
}

TEST(JwtCodec, AHeaderThatIsNotJsonIsMalformed) {
  EXPECT_EQ(error_of(unsigned_token("{alg", kClaims, "c2ln")), TokenError::kMalformed);
}

TEST(JwtCodec, AHeaderWithoutAlgIsMalformed) {
  EXPECT_EQ(error_of(unsigned_token(R"({"typ":"JWT"})", kClaims, "c2ln")), TokenError::kMalformed);
}

TEST(JwtCodec, AnAlgNoneTokenIsNotAllowed) {
  const std::string token = libjwt_token(JWT_ALG_NONE, kClaims, "");
  ASSERT_EQ(token.back(), '.');  // no signature at all
  EXPECT_EQ(error_of(token), TokenError::kAlgNotAllowed);
  EXPECT_EQ(error_of(unsigned_token(R"({"alg":"none","typ":"JWT"})", kClaims)),
            TokenError::kAlgNotAllowed);
}

TEST(JwtCodec, AnHs512TokenSignedWithTheSameKeyIsNotAllowed) {
  EXPECT_EQ(error_of(libjwt_token(JWT_ALG_HS512, kClaims, kKey)), TokenError::kAlgNotAllowed);
  EXPECT_EQ(error_of(libjwt_token(JWT_ALG_HS384, kClaims, kKey)), TokenError::kAlgNotAllowed);
}

TEST(JwtCodec, AnRs256HeaderIsNotAllowed) {
  EXPECT_EQ(error_of(unsigned_token(R"({"alg":"RS256","typ":"JWT"})", kClaims, "c2ln")),
            TokenError::kAlgNotAllowed);
}

TEST(JwtCodec, AnAlgLibjwtDoesNotKnowIsNotAllowed) {
  EXPECT_EQ(error_of(unsigned_token(R"({"alg":"XX999","typ":"JWT"})", kClaims, "c2ln")),
            TokenError::kAlgNotAllowed);
  EXPECT_EQ(error_of(unsigned_token(R"({"alg":"hs256","typ":"JWT"})", kClaims, "c2ln")),
            TokenError::kAlgNotAllowed);
}

TEST(JwtCodec, AForeignAlgWithAPayloadThatIsNotJsonIsMalformed) {
  EXPECT_EQ(error_of(unsigned_token(R"({"alg":"XX999"})", "not json", "c2ln")),
            TokenError::kMalformed);
}

TEST(JwtCodec, ATamperedSignatureFailsVerification) {
  const std::string token = sign_hs256({{"sub", "demo"}}, kKey);
  EXPECT_EQ(error_of(tamper(token, 2)), TokenError::kBadSignature);
}

TEST(JwtCodec, ATamperedPayloadFailsVerification) {
  const std::string token = sign_hs256({{"sub", "demo"}}, kKey);
  const auto first_dot = token.find('.');
  const auto second_dot = token.find('.', first_dot + 1);
  const std::string forged = token.substr(0, first_dot + 1) +
                             testing::base64url(R"({"sub":"admin"})") + token.substr(second_dot);
  EXPECT_EQ(error_of(forged), TokenError::kBadSignature);
}

TEST(JwtCodec, ATokenSignedWithAnotherKeyFailsVerification) {
  EXPECT_EQ(error_of(sign_hs256({{"sub", "demo"}}, "another-key")), TokenError::kBadSignature);
}

TEST(JwtCodec, AnEmptySignatureFailsVerification) {
  const std::string token = sign_hs256({{"sub", "demo"}}, kKey);
  EXPECT_EQ(error_of(token.substr(0, token.rfind('.') + 1)), TokenError::kBadSignature);
}

TEST(JwtCodec, SigningWithAnEmptyKeyIsRefused) {
  EXPECT_THROW(sign_hs256({{"sub", "demo"}}, ""), std::invalid_argument);
}

}  // namespace
}  // namespace bmcp::auth
