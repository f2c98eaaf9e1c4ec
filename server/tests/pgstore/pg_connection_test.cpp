#include "pgstore/pg_connection.hpp"

#include <gtest/gtest.h>

#include "../auth/test_support.hpp"
#include "test_postgres.hpp"

namespace bmcp::pgstore {
namespace {

TEST(PgConnectionTest, ParametersAndColumnsRoundTripAsText) {
  BMCP_REQUIRE_TEST_DATABASE(database);
  const auto connection = PgConnection::connect(database->url());
  const auto row = connection->exec("SELECT $1::text, $2::bigint, $3::double precision, $4::text",
                                    {pg_param("it's \"quoted\""), pg_param(std::int64_t{-42}),
                                     pg_param(1763726432.004), std::nullopt});
  ASSERT_EQ(row.rows(), 1);
  EXPECT_EQ(row.text(0, 0), "it's \"quoted\"");
  EXPECT_EQ(row.int64(0, 1), -42);
  EXPECT_DOUBLE_EQ(row.real(0, 2), 1763726432.004);
  EXPECT_TRUE(row.is_null(0, 3));
  EXPECT_FALSE(row.is_null(0, 0));
}

TEST(PgConnectionTest, AffectedCountsTheRowsAStatementChanged) {
  BMCP_REQUIRE_TEST_DATABASE(database);
  const auto connection = PgConnection::connect(database->url());
  connection->exec_script("CREATE TABLE t (n INTEGER); INSERT INTO t VALUES (1), (2), (3);");
  EXPECT_EQ(connection->exec("UPDATE t SET n = n + 1 WHERE n > $1", {pg_param(std::int64_t{1})})
                .affected(),
            2);
  EXPECT_TRUE(connection->exec("SELECT n = 4 FROM t WHERE n = 4").boolean(0, 0));
}

TEST(PgConnectionTest, ARefusedStatementThrowsPgErrorWithItsSqlstate) {
  BMCP_REQUIRE_TEST_DATABASE(database);
  const auto connection = PgConnection::connect(database->url());
  connection->exec("CREATE TABLE t (id INTEGER PRIMARY KEY)");
  connection->exec("INSERT INTO t VALUES (1)");
  try {
    connection->exec("INSERT INTO t VALUES (1)");
    FAIL() << "a duplicate key was accepted";
  } catch (const PgError& error) {
    EXPECT_EQ(error.sqlstate(), "23505");  // unique_violation
    EXPECT_NE(std::string(error.what()).find("INSERT INTO t"), std::string::npos) << error.what();
  }
  EXPECT_FALSE(connection->broken());
  EXPECT_EQ(connection->exec("SELECT count(*) FROM t").int64(0, 0), 1);
}

TEST(PgConnectionTest, AnUnreachableServerThrowsStoreUnavailable) {
  EXPECT_THROW(PgConnection::connect("postgresql://nobody@127.0.0.1:1/none"),
               auth::StoreUnavailable);
}

TEST(PgConnectionTest, AConnectionTheServerEndsThrowsStoreUnavailableAndIsBroken) {
  BMCP_REQUIRE_TEST_DATABASE(database);
  const auto victim = PgConnection::connect(database->url());
  const auto pid = victim->exec("SELECT pg_backend_pid()").int64(0, 0);
  PgConnection::connect(database->url())->exec("SELECT pg_terminate_backend($1)", {pg_param(pid)});
  EXPECT_THROW(victim->exec("SELECT 1"), auth::StoreUnavailable);
  EXPECT_TRUE(victim->broken());
}

TEST(PgConnectionTest, NotificationsArriveOnAListeningConnection) {
  BMCP_REQUIRE_TEST_DATABASE(database);
  const auto listener = PgConnection::connect(database->url());
  listener->exec("LISTEN some_channel");
  PgConnection::connect(database->url())->exec("SELECT pg_notify('some_channel', 'hello')");
  std::vector<PgNotification> heard;
  for (int i = 0; i < 200 && heard.empty(); ++i) {
    listener->consume_input();
    heard = listener->take_notifications();
    if (heard.empty()) {
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
  }
  ASSERT_EQ(heard.size(), 1u);
  EXPECT_EQ(heard[0].channel, "some_channel");
  EXPECT_EQ(heard[0].payload, "hello");
}

}  // namespace
}  // namespace bmcp::pgstore
