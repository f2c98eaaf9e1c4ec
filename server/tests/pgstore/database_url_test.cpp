#include "pgstore/database_url.hpp"

#include <gtest/gtest.h>

namespace bmcp::pgstore {
namespace {

TEST(DatabaseUrlTest, PostgresqlAndPostgresUrlsAreAccepted) {
  EXPECT_TRUE(check_database_url("--database-url", "postgresql://u:p@db:5432/blender").ok());
  EXPECT_TRUE(check_database_url("--database-url", "postgres://db/blender?sslmode=require").ok());
}

TEST(DatabaseUrlTest, AnotherSchemeIsRefusedNamingTheSourceButNotThePassword) {
  const auto refused = check_database_url("BLENDER_MCP_DATABASE_URL", "mysql://u:secret@db/x");
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.error().code, ErrorCode::kInvalidArgument);
  EXPECT_EQ(refused.error().message,
            "BLENDER_MCP_DATABASE_URL must be a postgresql:// or postgres:// URL, got 'mysql:'");
}

TEST(DatabaseUrlTest, TextWithoutASchemeIsRefused) {
  const auto refused = check_database_url("--database-url", "host=db dbname=x");
  ASSERT_FALSE(refused.ok());
  EXPECT_NE(refused.error().message.find("got no scheme"), std::string::npos);
  EXPECT_FALSE(check_database_url("--database-url", "postgresql://db/x y").ok());
}

TEST(DatabaseUrlTest, RedactionHidesOnlyThePassword) {
  EXPECT_EQ(redacted_url("postgresql://u:secret@db:5432/x"), "postgresql://u:***@db:5432/x");
  EXPECT_EQ(redacted_url("postgresql://u@db/x"), "postgresql://u@db/x");
  EXPECT_EQ(redacted_url("postgres://db/x"), "postgres://db/x");
}

}  // namespace
}  // namespace bmcp::pgstore
