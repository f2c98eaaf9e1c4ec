#include "oauth/public_url.hpp"

#include <gtest/gtest.h>

namespace bmcp::oauth {
namespace {

TEST(PublicUrlTest, AbsoluteHttpAndHttpsOriginsAreAcceptedWithoutATrailingSlash) {
  EXPECT_EQ(check_public_url("--public-url", "https://blender.example.com/").value(),
            "https://blender.example.com");
  EXPECT_EQ(check_public_url("--public-url", "http://127.0.0.1:8000").value(),
            "http://127.0.0.1:8000");
  EXPECT_EQ(check_public_url("--public-url", "http://[::1]:9000").value(), "http://[::1]:9000");
}

TEST(PublicUrlTest, EverythingElseIsRefusedNamingTheSourceAndTheValue) {
  for (const auto* bad :
       {"blender.example.com", "ftp://host", "https://", "https://user@host", "https://host/mcp",
        "https://host?x=1", "https://host#f", "https://host:0", "https://host:70000",
        "https://ho st", "https://host:", "http://[::1"}) {
    const auto checked = check_public_url("BLENDER_MCP_PUBLIC_URL", bad);
    ASSERT_FALSE(checked.ok()) << bad;
    EXPECT_NE(checked.error().find("BLENDER_MCP_PUBLIC_URL"), std::string::npos);
    EXPECT_NE(checked.error().find(bad), std::string::npos);
  }
}

TEST(PublicUrlTest, EveryUrlDerivesFromTheBase) {
  const auto urls = server_urls("https://b.example");
  EXPECT_EQ(urls.issuer, "https://b.example");
  EXPECT_EQ(urls.resource, "https://b.example/mcp");
  EXPECT_EQ(urls.resource_metadata, "https://b.example/.well-known/oauth-protected-resource/mcp");
  EXPECT_EQ(urls.token_endpoint, "https://b.example/token");
  EXPECT_TRUE(urls.secure);
  EXPECT_FALSE(server_urls("http://127.0.0.1:1").secure);
}

TEST(PublicUrlTest, BindAddressesAndOrigins) {
  EXPECT_EQ(bind_base_url("127.0.0.1", 8000), "http://127.0.0.1:8000");
  EXPECT_EQ(bind_base_url("::1", 80), "http://[::1]:80");
  EXPECT_EQ(origin_of("http://127.0.0.1:5/cb?x"), "http://127.0.0.1:5");
  EXPECT_EQ(origin_of("com.example.app:/callback"), "com.example.app:");
}

}  // namespace
}  // namespace bmcp::oauth
