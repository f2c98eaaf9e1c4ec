#include "bridge/server_url.hpp"

#include <gtest/gtest.h>

namespace bmcp::bridge {
namespace {

TEST(ParseServerUrlTest, TheMcpSuffixAndTrailingSlashesAreDropped) {
  for (const char* text : {"http://127.0.0.1:8000", "http://127.0.0.1:8000/",
                           "http://127.0.0.1:8000/mcp", "http://127.0.0.1:8000/mcp/"}) {
    auto url = parse_server_url(text);
    ASSERT_TRUE(url) << text;
    EXPECT_EQ(url->host, "127.0.0.1");
    EXPECT_EQ(url->port, 8000);
    EXPECT_EQ(url->prefix, "");
    EXPECT_EQ(url->path("/mcp"), "/mcp");
    EXPECT_EQ(url->base(), "http://127.0.0.1:8000");
  }
}

TEST(ParseServerUrlTest, SlashesBeforeTheMcpSuffixAreDroppedToo) {
  // Found by fuzz/targets/server_url: "//mcp" left the prefix "/", and endpoints "//mcp".
  for (const char* text : {"http://pt_//mcp", "http://h//mcp//", "http://h/a//mcp"}) {
    auto url = parse_server_url(text);
    ASSERT_TRUE(url) << text;
    EXPECT_TRUE(url->prefix.empty() || url->prefix.back() != '/') << text;
  }
  EXPECT_EQ(parse_server_url("http://pt_//mcp")->path("/mcp"), "/mcp");
  EXPECT_EQ(parse_server_url("http://h/a//mcp")->path("/mcp"), "/a/mcp");
}

TEST(ParseServerUrlTest, APathPrefixIsKeptForEveryEndpoint) {
  auto url = parse_server_url("http://example.test/blender/mcp");
  ASSERT_TRUE(url);
  EXPECT_EQ(url->port, 80);
  EXPECT_EQ(url->path("/auth/login"), "/blender/auth/login");
  EXPECT_EQ(url->base(), "http://example.test:80/blender");
}

TEST(ParseServerUrlTest, AnIpv6HostIsWrittenInBrackets) {
  auto url = parse_server_url("http://[::1]:9000/mcp");
  ASSERT_TRUE(url);
  EXPECT_EQ(url->host, "::1");
  EXPECT_EQ(url->base(), "http://[::1]:9000");
}

TEST(ParseServerUrlTest, BadUrlsAreRefusedWithTheReason) {
  EXPECT_NE(parse_server_url("https://host/mcp").error().find("https is not supported"),
            std::string::npos);
  EXPECT_NE(parse_server_url("host:8000").error().find("must start with http://"),
            std::string::npos);
  EXPECT_NE(parse_server_url("http://:8000").error().find("host is missing"), std::string::npos);
  EXPECT_NE(parse_server_url("http://h:99999").error().find("port"), std::string::npos);
  EXPECT_NE(parse_server_url("http://h:x").error().find("port"), std::string::npos);
  EXPECT_NE(parse_server_url("http://h/mcp?x=1").error().find("query"), std::string::npos);
  EXPECT_NE(parse_server_url("http://u:p@h/").error().find("user information"), std::string::npos);
}

TEST(ParseServerUrlTest, AHostWithCharactersNoHostNameHasIsRefused) {
  // Found by fuzz/targets/server_url: control characters and bytes above 0x7E were taken into
  // the host, and from there into the Host header.
  for (const char* text :
       {"http://loca\x1c\x1c\x1clhosl", "http://localhos\xb1\xb1t", "http://local host:8000",
        "http://a\r\nX-Injected: 1/", "http://::1:8000"}) {
    auto url = parse_server_url(text);
    ASSERT_FALSE(url.ok()) << text;
    EXPECT_NE(url.error().find("the host may hold only letters, digits"), std::string::npos);
  }
  for (const char* text : {"http://[x]/", "http://[1.2.3.4]/", "http://[::1 ]/"}) {
    auto url = parse_server_url(text);
    ASSERT_FALSE(url.ok()) << text;
    EXPECT_NE(url.error().find("the host in brackets must be an IPv6 address"), std::string::npos);
  }
  EXPECT_EQ(parse_server_url("http://blender-host_1.example~x:80")->host,
            "blender-host_1.example~x");
  EXPECT_EQ(parse_server_url("http://[::ffff:10.0.0.1]:80")->host, "::ffff:10.0.0.1");
}

}  // namespace
}  // namespace bmcp::bridge
