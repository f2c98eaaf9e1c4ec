#include "pgstore/postgres_schema.hpp"

#include <gtest/gtest.h>

#include "../auth/test_support.hpp"
#include "test_postgres.hpp"

namespace bmcp::pgstore {
namespace {

TEST(PostgresSchemaTest, ANewDatabaseHasVersionZeroAndIsBroughtToTheCurrentVersion) {
  BMCP_REQUIRE_TEST_DATABASE(database);
  const auto connection = PgConnection::connect(database->url());
  EXPECT_EQ(postgres_schema_version(*connection), 0);
  const auto migrated = migrate_postgres_schema(*connection);
  ASSERT_TRUE(migrated.ok());
  EXPECT_EQ(migrated->from_version, 0);
  EXPECT_EQ(migrated->to_version, kPostgresSchemaVersion);
  EXPECT_EQ(postgres_schema_version(*connection), kPostgresSchemaVersion);
}

TEST(PostgresSchemaTest, MigratingTwiceChangesNothing) {
  BMCP_REQUIRE_TEST_DATABASE(database);
  const auto connection = PgConnection::connect(database->url());
  ASSERT_TRUE(migrate_postgres_schema(*connection).ok());
  connection->exec("INSERT INTO users VALUES ('alice', 'u1', 'h', '[]'::jsonb, '[]'::jsonb, 1, 1)");
  const auto again = migrate_postgres_schema(*connection);
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(again->from_version, kPostgresSchemaVersion);
  EXPECT_EQ(connection->exec("SELECT count(*) FROM users").int64(0, 0), 1);
}

TEST(PostgresSchemaTest, ADatabaseFromANewerSchemaIsRefusedAndLeftAsItWas) {
  BMCP_REQUIRE_TEST_DATABASE(database);
  const auto connection = PgConnection::connect(database->url());
  ASSERT_TRUE(migrate_postgres_schema(*connection).ok());
  connection->exec("UPDATE schema_version SET version = $1",
                   {pg_param(std::int64_t{kPostgresSchemaVersion + 1})});
  const auto refused = migrate_postgres_schema(*connection);
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.error().code, ErrorCode::kFailedPrecondition);
  EXPECT_EQ(postgres_schema_version(*connection), kPostgresSchemaVersion + 1);
  EXPECT_FALSE(connection->broken());
  EXPECT_EQ(connection->exec("SELECT 1").int64(0, 0), 1);  // no transaction left open
}

TEST(PostgresSchemaTest, TheUsersTableNotifiesEveryChangeWithTheUsername) {
  BMCP_REQUIRE_TEST_DATABASE(database);
  const auto connection = PgConnection::connect(database->url());
  ASSERT_TRUE(migrate_postgres_schema(*connection).ok());
  const auto listener = PgConnection::connect(database->url());
  listener->exec(std::string("LISTEN ") + kUsersChangedChannel);
  connection->exec("INSERT INTO users VALUES ('alice', 'u1', 'h', '[]'::jsonb, '[]'::jsonb, 1, 1)");
  connection->exec("UPDATE users SET password_hash = 'x' WHERE username = 'alice'");
  connection->exec("DELETE FROM users WHERE username = 'alice'");
  std::vector<PgNotification> heard;
  for (int i = 0; i < 200 && heard.size() < 3; ++i) {
    listener->consume_input();
    for (auto& notification : listener->take_notifications()) {
      heard.push_back(std::move(notification));
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  ASSERT_EQ(heard.size(), 3u);
  for (const auto& notification : heard) {
    EXPECT_EQ(notification.channel, kUsersChangedChannel);
    EXPECT_EQ(notification.payload, "alice");
  }
}

}  // namespace
}  // namespace bmcp::pgstore
