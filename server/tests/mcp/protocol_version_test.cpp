#include "mcp/protocol_version.hpp"

#include <gtest/gtest.h>

namespace bmcp::mcp {
namespace {

TEST(ProtocolVersion, SupportedVersionsAreEchoedAndOthersGetTheLatest) {
  EXPECT_EQ(negotiate_version("2025-06-18"), "2025-06-18");
  EXPECT_EQ(negotiate_version("2024-11-05"), "2025-11-25");
  EXPECT_EQ(negotiate_version(""), "2025-11-25");
}

TEST(ProtocolVersion, StructuredContentStartsWith20250618) {
  EXPECT_FALSE(has_structured_content("2025-03-26"));
  EXPECT_TRUE(has_structured_content("2025-06-18"));
  EXPECT_TRUE(has_structured_content("2025-11-25"));
}

}  // namespace
}  // namespace bmcp::mcp
