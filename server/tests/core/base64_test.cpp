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

}  // namespace
}  // namespace bmcp
