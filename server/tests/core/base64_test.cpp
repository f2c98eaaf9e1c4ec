#include "core/base64.hpp"

#include <gtest/gtest.h>

namespace bmcp {
namespace {

TEST(Base64, AcceptsOnlyTheCanonicalForm) {
  EXPECT_TRUE(is_base64("TWFu"));
  EXPECT_TRUE(is_base64("TWE="));
  EXPECT_TRUE(is_base64("TQ=="));
  EXPECT_TRUE(is_base64("iVBORw0KGgo+/w=="));
  EXPECT_FALSE(is_base64(""));
  EXPECT_FALSE(is_base64("TWF"));         // length not a multiple of 4
  EXPECT_FALSE(is_base64("T==="));        // three padding characters
  EXPECT_FALSE(is_base64("TW=u"));        // padding in the middle
  EXPECT_FALSE(is_base64("TWF u"));       // whitespace
  EXPECT_FALSE(is_base64("TWFu\nTWFu"));  // line breaks
  EXPECT_FALSE(is_base64("TW-_"));        // URL alphabet
}

TEST(Base64, DecodedSizeCountsThePadding) {
  EXPECT_EQ(base64_decoded_size("TWFu"), 3u);
  EXPECT_EQ(base64_decoded_size("TWE="), 2u);
  EXPECT_EQ(base64_decoded_size("TQ=="), 1u);
  EXPECT_EQ(base64_decoded_size("TWFuTWFu"), 6u);
}

TEST(Base64, DecodesAPrefix) {
  EXPECT_EQ(base64_decode_prefix("TWFuIGlzIGRpc3Rpbmd1aXNoZWQ=", 3), "Man");
  EXPECT_EQ(base64_decode_prefix("TWFuIGlzIGRpc3Rpbmd1aXNoZWQ=", 100), "Man is distinguished");
  EXPECT_EQ(base64_decode_prefix("TQ==", 8), "M");
  EXPECT_EQ(base64_decode_prefix("iVBORw0KGgo=", 8), std::string("\x89PNG\r\n\x1a\n"));
  EXPECT_EQ(base64_decode_prefix("not base64!", 4), std::nullopt);
}

TEST(Base64, EncodedSizeRoundsUpToWholeQuads) {
  EXPECT_EQ(base64_encoded_size(0), 0u);
  EXPECT_EQ(base64_encoded_size(1), 4u);
  EXPECT_EQ(base64_encoded_size(3), 4u);
  EXPECT_EQ(base64_encoded_size(4), 8u);
  EXPECT_EQ(base64_encoded_size(4u << 20), 5592408u);
}

TEST(Base64urlTest, DecodesWithoutPadding) {
  EXPECT_EQ(base64url_decode("").value(), "");
  EXPECT_EQ(base64url_decode("Zg").value(), "f");
  EXPECT_EQ(base64url_decode("Zm8").value(), "fo");
  EXPECT_EQ(base64url_decode("Zm9v").value(), "foo");
  EXPECT_EQ(base64url_decode("-_8").value(), std::string("\xfb\xff"));
}

TEST(Base64urlTest, RefusesPaddingStandardAlphabetAndImpossibleLengths) {
  EXPECT_FALSE(base64url_decode("Zg=="));
  EXPECT_FALSE(base64url_decode("+/8"));
  EXPECT_FALSE(base64url_decode("Zm9vY"));
  EXPECT_FALSE(base64url_decode("Zm 9v"));
}

// "Zg" is "f"; "Zh" has the same two significant digits' bytes but a non-zero unused bit, so a
// second text for one byte string (a signature altered without changing its bytes) is refused.
TEST(Base64urlTest, RefusesALastDigitWithUnusedBitsSet) {
  EXPECT_FALSE(base64url_decode("Zh"));
  EXPECT_FALSE(base64url_decode("Zm9"));
  EXPECT_EQ(base64url_decode("Zm8").value(), "fo");
  EXPECT_FALSE(base64url_decode("-_9"));
}

}  // namespace
}  // namespace bmcp
