#include "core/random.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <regex>
#include <set>
#include <thread>
#include <vector>

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

// Small draws come from a per-thread buffer refilled from the kernel; draws that straddle a
// refill, draws on other threads and draws too large for the buffer must all be fresh.
TEST(Random, PooledDrawsAcrossRefillsDoNotRepeat) {
  std::set<std::string> seen;
  for (int i = 0; i < 400; ++i)  // 7-byte draws: refills at uneven offsets of a 512-byte buffer
    seen.insert(random_hex(7));
  EXPECT_EQ(seen.size(), 400u);
}

TEST(Random, ThreadsDrawDifferentBytes) {
  std::vector<std::string> first(200), second(200);
  std::thread a([&] {
    for (auto& value : first)
      value = random_hex(16);
  });
  std::thread b([&] {
    for (auto& value : second)
      value = random_hex(16);
  });
  a.join();
  b.join();
  std::set<std::string> seen(first.begin(), first.end());
  seen.insert(second.begin(), second.end());
  EXPECT_EQ(seen.size(), 400u);
}

TEST(Random, LargeDrawsAreFilledWhole) {
  std::vector<unsigned char> big(4096, 0);
  random_bytes(big.data(), big.size());
  // 4096 random bytes hold far more than 64 zeros only with negligible probability.
  EXPECT_LT(std::count(big.begin(), big.end(), 0), 64);
  EXPECT_NE(random_hex(65), random_hex(65));
}

}  // namespace
}  // namespace bmcp
