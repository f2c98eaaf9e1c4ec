#include "redis/redis_url.hpp"

#include <gtest/gtest.h>

namespace bmcp::redis {
namespace {

TEST(ParseRedisUrl, HostPortAndDatabase) {
  auto endpoint = parse_redis_url("redis://cache.internal:6380/2");
  ASSERT_TRUE(endpoint.ok()) << endpoint.error();
  EXPECT_EQ(endpoint->host, "cache.internal");
  EXPECT_EQ(endpoint->port, 6380);
  EXPECT_EQ(endpoint->db, 2);
  EXPECT_FALSE(endpoint->password.has_value());
}

TEST(ParseRedisUrl, DefaultsArePort6379AndDatabase0) {
  auto endpoint = parse_redis_url("redis://127.0.0.1");
  ASSERT_TRUE(endpoint.ok());
  EXPECT_EQ(endpoint->port, 6379);
  EXPECT_EQ(endpoint->db, 0);
  EXPECT_EQ(endpoint->describe(), "redis://127.0.0.1:6379/0");
}

TEST(ParseRedisUrl, CredentialsAreReadButNeverDescribed) {
  auto endpoint = parse_redis_url("redis://worker:s3cret@[::1]:7000/1");
  ASSERT_TRUE(endpoint.ok()) << endpoint.error();
  EXPECT_EQ(endpoint->host, "::1");
  EXPECT_EQ(endpoint->username, "worker");
  EXPECT_EQ(endpoint->password, "s3cret");
  EXPECT_EQ(endpoint->describe(), "redis://[::1]:7000/1");
  auto password_only = parse_redis_url("redis://:only@localhost");
  ASSERT_TRUE(password_only.ok());
  EXPECT_FALSE(password_only->username.has_value());
  EXPECT_EQ(password_only->password, "only");
}

TEST(ParseRedisUrl, BadUrlsAreRefusedSayingWhatIsWrong) {
  const std::pair<const char*, const char*> cases[] = {
      {"http://localhost:6379", "redis://"},
      {"rediss://localhost", "TLS"},
      {"redis://", "no host"},
      {"redis://localhost:0", "port"},
      {"redis://localhost:70000", "port"},
      {"redis://localhost/abc", "database"},
      {"redis://localhost/-1", "database"},
      {"redis://localhost/1?x=1", "query"},
      {"not a url", "not a valid URL"},
  };
  for (const auto& [url, expected] : cases) {
    auto endpoint = parse_redis_url(url);
    ASSERT_FALSE(endpoint.ok()) << url;
    EXPECT_NE(endpoint.error().find(expected), std::string::npos)
        << url << ": " << endpoint.error();
  }
  auto with_password = parse_redis_url("redis://:hunter2@localhost:99999");
  ASSERT_FALSE(with_password.ok());
  EXPECT_EQ(with_password.error().find("hunter2"), std::string::npos);
}

}  // namespace
}  // namespace bmcp::redis
