#include "pgstore/pg_pool.hpp"

#include <gtest/gtest.h>

#include <atomic>
#include <set>
#include <thread>

#include "../auth/test_support.hpp"
#include "test_postgres.hpp"

namespace bmcp::pgstore {
namespace {

std::int64_t backend_pid(PgConnection& connection) {
  return connection.exec("SELECT pg_backend_pid()").int64(0, 0);
}

void terminate_backends_of(const std::string& url, const std::string& database) {
  PgConnection::connect(url)->exec(
      "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
      "WHERE datname = $1 AND pid <> pg_backend_pid()",
      {pg_param(database)});
}

TEST(PgPoolTest, AConnectionIsReusedByTheNextCaller) {
  BMCP_REQUIRE_TEST_DATABASE(database);
  PgPool pool(database->url(), 2);
  const auto first = pool.run(PgPool::Retry::kNever, backend_pid);
  const auto second = pool.run(PgPool::Retry::kNever, backend_pid);
  EXPECT_EQ(first, second);
}

TEST(PgPoolTest, NoMoreThanTheMaximumConnectionsAreOpenAtOnce) {
  BMCP_REQUIRE_TEST_DATABASE(database);
  PgPool pool(database->url(), 2);
  std::mutex mutex;
  std::set<std::int64_t> pids;
  std::vector<std::thread> threads;
  for (int i = 0; i < 6; ++i) {
    threads.emplace_back([&] {
      pool.run(PgPool::Retry::kNever, [&](PgConnection& connection) {
        connection.exec("SELECT pg_sleep(0.05)");
        std::lock_guard lock(mutex);
        pids.insert(backend_pid(connection));
      });
    });
  }
  for (auto& thread : threads) {
    thread.join();
  }
  EXPECT_LE(pids.size(), 2u);
}

TEST(PgPoolTest, AReadRetriesOnceOnAFreshConnectionAfterTheServerEndedTheOldOne) {
  BMCP_REQUIRE_TEST_DATABASE(database);
  PgPool pool(database->url(), 2);
  const auto before = pool.run(PgPool::Retry::kNever, backend_pid);
  terminate_backends_of(database->url(), database->name());
  const auto after = pool.run(PgPool::Retry::kOnceIfLost, backend_pid);
  EXPECT_NE(after, before);
}

TEST(PgPoolTest, AWriteOnALostConnectionIsReportedAndTheNextCallReconnects) {
  BMCP_REQUIRE_TEST_DATABASE(database);
  PgPool pool(database->url(), 2);
  pool.run(PgPool::Retry::kNever,
           [](PgConnection& connection) { connection.exec("CREATE TABLE t (n INTEGER)"); });
  terminate_backends_of(database->url(), database->name());
  const auto insert = [](PgConnection& connection) { connection.exec("INSERT INTO t VALUES (1)"); };
  EXPECT_THROW(pool.run(PgPool::Retry::kNever, insert), auth::StoreUnavailable);
  EXPECT_NO_THROW(pool.run(PgPool::Retry::kNever, insert));
}

TEST(PgPoolTest, NoServerMeansStoreUnavailableAndFreesTheSlot) {
  PgPool pool("postgresql://nobody@127.0.0.1:1/none", 1);
  for (int i = 0; i < 3; ++i) {
    EXPECT_THROW(pool.run(PgPool::Retry::kOnceIfLost, backend_pid), auth::StoreUnavailable);
  }
}

TEST(PgPoolTest, AfterAFailedConnectCallersFailAtOnceUntilTheBackoffEnds) {
  BMCP_REQUIRE_TEST_DATABASE(database);
  // A database that does not exist yet: the server refuses the connection.
  const std::string name = database->name() + "_later";
  const std::string url = database->url() + "_later";
  PgPool pool(url, 2);
  EXPECT_THROW(pool.run(PgPool::Retry::kNever, backend_pid), auth::StoreUnavailable);
  PgConnection::connect(database->url())->exec("CREATE DATABASE " + name);
  EXPECT_THROW(pool.run(PgPool::Retry::kNever, backend_pid), auth::StoreUnavailable);
  std::this_thread::sleep_for(PgPool::kConnectBackoff);
  EXPECT_NO_THROW(pool.run(PgPool::Retry::kNever, backend_pid));
  PgConnection::connect(database->url())->exec("DROP DATABASE " + name + " WITH (FORCE)");
}

}  // namespace
}  // namespace bmcp::pgstore
