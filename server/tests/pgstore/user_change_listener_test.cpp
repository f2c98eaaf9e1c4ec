#include "pgstore/user_change_listener.hpp"

#include <gtest/gtest.h>

#include <mutex>
#include <thread>
#include <vector>

#include "../auth/test_support.hpp"
#include "pgstore/pg_connection.hpp"
#include "pgstore/postgres_schema.hpp"
#include "test_postgres.hpp"

namespace bmcp::pgstore {
namespace {

// What a listener reported, for the test thread to wait on.
struct Heard {
  std::mutex mutex;
  int listening = 0;
  int lost = 0;
  std::vector<std::string> changed;

  UserChangeListener::Callbacks callbacks() {
    return {[this] {
              std::lock_guard lock(mutex);
              ++listening;
            },
            [this](const std::string& username) {
              std::lock_guard lock(mutex);
              changed.push_back(username);
            },
            [this] {
              std::lock_guard lock(mutex);
              ++lost;
            }};
  }

  template <class Done>
  bool wait_until(Done done) {
    for (int i = 0; i < 1000; ++i) {
      {
        std::lock_guard lock(mutex);
        if (done()) {
          return true;
        }
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    return false;
  }
};

TEST(UserChangeListenerTest, ReportsEveryUserChangeAfterListening) {
  BMCP_REQUIRE_TEST_DATABASE(database);
  const auto connection = PgConnection::connect(database->url());
  ASSERT_TRUE(migrate_postgres_schema(*connection).ok());
  Heard heard;
  UserChangeListener listener(database->url(), heard.callbacks());
  ASSERT_TRUE(heard.wait_until([&] { return heard.listening == 1; }));
  connection->exec("INSERT INTO users VALUES ('alice', 'u1', 'h', '[]'::jsonb, '[]'::jsonb, 1, 1)");
  connection->exec("DELETE FROM users WHERE username = 'alice'");
  ASSERT_TRUE(heard.wait_until([&] { return heard.changed.size() == 2; }));
  EXPECT_EQ(heard.changed, (std::vector<std::string>{"alice", "alice"}));
}

TEST(UserChangeListenerTest, ReportsALostConnectionAndListensAgain) {
  BMCP_REQUIRE_TEST_DATABASE(database);
  const auto connection = PgConnection::connect(database->url());
  ASSERT_TRUE(migrate_postgres_schema(*connection).ok());
  Heard heard;
  UserChangeListener listener(database->url(), heard.callbacks(), std::chrono::milliseconds(50));
  ASSERT_TRUE(heard.wait_until([&] { return heard.listening == 1; }));
  connection->exec(
      "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
      "WHERE datname = current_database() AND pid <> pg_backend_pid()");
  ASSERT_TRUE(heard.wait_until([&] { return heard.lost >= 1 && heard.listening == 2; }));
  const auto writer = PgConnection::connect(database->url());
  writer->exec("INSERT INTO users VALUES ('bob', 'u2', 'h', '[]'::jsonb, '[]'::jsonb, 1, 1)");
  ASSERT_TRUE(heard.wait_until([&] { return heard.changed.size() == 1; }));
  EXPECT_EQ(heard.changed[0], "bob");
}

TEST(UserChangeListenerTest, WithoutAServerItReportsTheLossAndKeepsTrying) {
  Heard heard;
  UserChangeListener listener("postgresql://nobody@127.0.0.1:1/none", heard.callbacks(),
                              std::chrono::milliseconds(20));
  ASSERT_TRUE(heard.wait_until([&] { return heard.lost >= 2; }));
  std::lock_guard lock(heard.mutex);
  EXPECT_EQ(heard.listening, 0);
}

}  // namespace
}  // namespace bmcp::pgstore
