#include "core/random.hpp"

#include <gtest/gtest.h>

#include <regex>
#include <set>

namespace bmcp {
namespace {

TEST(Random, HexHasTwoLowercaseDigitsPerByte) {
  const auto hex = random_hex(16);
  EXPECT_TRUE(std::regex_match(hex, std::regex("^[0-9a-f]{32}$")));
}

TEST(Random, Uuid4IsCanonical) {
  const auto uuid = random_uuid4();
  EXPECT_TRUE(std::regex_match(
      uuid, std::regex("^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$")));
}

TEST(Random, ValuesDoNotRepeat) {
  std::set<std::string> seen;
  for (int i = 0; i < 1000; ++i)
    seen.insert(random_hex(6));
  EXPECT_EQ(seen.size(), 1000u);
}

}  // namespace
}  // namespace bmcp
