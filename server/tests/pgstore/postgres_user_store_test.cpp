#include "pgstore/postgres_user_store.hpp"

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <set>
#include <thread>

#include "../auth/auth_service_accounts_test.hpp"
#include "../auth/test_support.hpp"
#include "../auth/user_store_test.hpp"
#include "pgstore/postgres_schema.hpp"
#include "test_postgres.hpp"

namespace bmcp::pgstore {
namespace {

using auth::UserRecord;
using auth::UserStore;

constexpr std::int64_t kDay = 86400;

Result<std::unique_ptr<PostgresUserStore>> open_store(const std::string& url, const Clock& clock,
                                                      PostgresStoreOptions options = {}) {
  return PostgresUserStore::open(url, clock, options);
}

// How long a test waits for a store to hear of a change made elsewhere.
constexpr std::chrono::seconds kNotificationWait{10};

// One fresh database on the tests' PostgreSQL server.
class PostgresDatabase final : public auth::testing::StoreUnderTest {
 public:
  explicit PostgresDatabase(std::unique_ptr<testing::TestDatabase> database)
      : database_(std::move(database)) {}

  std::unique_ptr<UserStore> open(const Clock& clock) override {
    auto store = open_store(database_->url(), clock);
    EXPECT_TRUE(store.ok()) << (store.ok() ? "" : store.error().message);
    return store.ok() ? std::move(store).value() : nullptr;
  }

  // As `serve` opens it: with the presence cache, here with a lifetime longer than any test
  // (the tests' clock is a FakeClock), so only notifications refresh it.
  std::unique_ptr<UserStore> open_server(const Clock& clock) override {
    auto store = open_store(database_->url(), clock,
                            PostgresStoreOptions{4, std::chrono::milliseconds(3600 * 1000)});
    EXPECT_TRUE(store.ok()) << (store.ok() ? "" : store.error().message);
    if (!store.ok()) {
      return nullptr;
    }
    const auto deadline = std::chrono::steady_clock::now() + kNotificationWait;
    while (!(*store)->listening_for_changes() && std::chrono::steady_clock::now() < deadline) {
      std::this_thread::sleep_for(std::chrono::milliseconds(5));
    }
    EXPECT_TRUE((*store)->listening_for_changes()) << "the presence cache never started";
    return std::move(store).value();
  }

  std::chrono::milliseconds change_delay() const override { return kNotificationWait; }

 private:
  // The stores opened on it go away with the test fixture first (declared after place_).
  std::unique_ptr<testing::TestDatabase> database_;
};

const auth::testing::UserStoreBackend kPostgres{
    "Postgres", []() -> Result<std::unique_ptr<auth::testing::StoreUnderTest>, std::string> {
      auto database = testing::TestDatabase::create();
      if (!database) {
        return Unexpected{database.error()};
      }
      return std::unique_ptr<auth::testing::StoreUnderTest>(
          std::make_unique<PostgresDatabase>(std::move(database).value()));
    }};

using auth::testing::AuthServiceAccountsTest;
using auth::testing::UserStoreTest;

INSTANTIATE_TEST_SUITE_P(Postgres, UserStoreTest, ::testing::Values(kPostgres),
                         auth::testing::backend_name);
INSTANTIATE_TEST_SUITE_P(Postgres, AuthServiceAccountsTest, ::testing::Values(kPostgres),
                         auth::testing::backend_name);

UserRecord user(const std::string& name, std::vector<std::string> roles = {"user"}) {
  return UserRecord{name, "$argon2id$hash-of-" + name, std::move(roles), {"read"}, 0, 0};
}

class PostgresUserStoreTest : public ::testing::Test {
 protected:
  std::int64_t now() const { return static_cast<std::int64_t>(clock_.unix_seconds()); }
  FakeClock clock_;
};

TEST_F(PostgresUserStoreTest, ANewerSchemaVersionIsRefusedOnOpen) {
  BMCP_REQUIRE_TEST_DATABASE(database);
  ASSERT_TRUE(open_store(database->url(), clock_).ok());
  PgConnection::connect(database->url())->exec("UPDATE schema_version SET version = version + 1");
  const auto store = open_store(database->url(), clock_);
  ASSERT_FALSE(store.ok());
  EXPECT_EQ(store.error().code, ErrorCode::kFailedPrecondition);
  EXPECT_NE(store.error().message.find("newer than this program supports"), std::string::npos);
}

TEST_F(PostgresUserStoreTest, AnUnreachableServerFailsTheOpenWithIo) {
  const auto store = open_store("postgresql://nobody@127.0.0.1:1/none", clock_);
  ASSERT_FALSE(store.ok());
  EXPECT_EQ(store.error().code, ErrorCode::kIo);
  EXPECT_NE(store.error().message.find("cannot connect to PostgreSQL"), std::string::npos)
      << store.error().message;
}

TEST_F(PostgresUserStoreTest, NodesOpeningANewDatabaseTogetherMigrateItOnce) {
  BMCP_REQUIRE_TEST_DATABASE(database);
  std::atomic<int> opened{0};
  std::vector<std::thread> nodes;
  for (int i = 0; i < 6; ++i) {
    nodes.emplace_back([&] {
      if (open_store(database->url(), clock_).ok()) {
        ++opened;
      }
    });
  }
  for (auto& node : nodes) {
    node.join();
  }
  EXPECT_EQ(opened.load(), 6);
  const auto connection = PgConnection::connect(database->url());
  EXPECT_EQ(postgres_schema_version(*connection), kPostgresSchemaVersion);
  EXPECT_EQ(connection->exec("SELECT count(*) FROM schema_version").int64(0, 0), 1);
}

TEST_F(PostgresUserStoreTest, EveryNodeGetsTheSameSigningKeyCreatedOnce) {
  BMCP_REQUIRE_TEST_DATABASE(database);
  std::vector<std::unique_ptr<PostgresUserStore>> nodes;
  for (int i = 0; i < 6; ++i) {
    auto store = open_store(database->url(), clock_);
    ASSERT_TRUE(store.ok());
    nodes.push_back(std::move(store).value());
  }
  std::vector<std::string> keys(nodes.size());
  std::vector<std::thread> threads;
  for (std::size_t i = 0; i < nodes.size(); ++i) {
    threads.emplace_back([&, i] { keys[i] = nodes[i]->shared_signing_key(); });
  }
  for (auto& thread : threads) {
    thread.join();
  }
  EXPECT_EQ(std::set<std::string>(keys.begin(), keys.end()).size(), 1u);
  EXPECT_EQ(keys[0].size(), 43u);
  EXPECT_EQ(nodes[0]->shared_signing_key(), keys[0]);  // kept across calls (and restarts)
}

TEST_F(PostgresUserStoreTest, ConcurrentRotationsFromManyNodesSucceedExactlyOnce) {
  BMCP_REQUIRE_TEST_DATABASE(database);
  std::vector<std::unique_ptr<PostgresUserStore>> nodes;
  for (int i = 0; i < 8; ++i) {
    auto store = open_store(database->url(), clock_);
    ASSERT_TRUE(store.ok());
    nodes.push_back(std::move(store).value());
  }
  ASSERT_TRUE(nodes[0]->add(user("alice")).ok());
  for (int round = 0; round < 20; ++round) {
    const std::string jti = "shared-" + std::to_string(round);
    ASSERT_TRUE(nodes[0]->record_refresh(jti, "alice", now(), now() + kDay).ok());
    std::atomic<int> successes{0};
    std::vector<std::thread> threads;
    for (auto& node : nodes) {
      threads.emplace_back([&, raw = node.get()] {
        if (raw->rotate_refresh(jti, now())) {
          ++successes;
        }
      });
    }
    for (auto& thread : threads) {
      thread.join();
    }
    EXPECT_EQ(successes.load(), 1) << "round " << round;
  }
}

TEST_F(PostgresUserStoreTest, RemovingTheLastTwoAdminsConcurrentlyKeepsOne) {
  BMCP_REQUIRE_TEST_DATABASE(database);
  auto a = open_store(database->url(), clock_);
  auto b = open_store(database->url(), clock_);
  ASSERT_TRUE(a.ok() && b.ok());
  for (int round = 0; round < 10; ++round) {
    ASSERT_TRUE((*a)->add(user("root1", {"admin"})).ok());
    ASSERT_TRUE((*a)->add(user("root2", {"admin"})).ok());
    std::thread first([&] { (void)(*a)->remove("root1", auth::RemovePolicy::kKeepLastAdmin); });
    std::thread second([&] { (void)(*b)->remove("root2", auth::RemovePolicy::kKeepLastAdmin); });
    first.join();
    second.join();
    ASSERT_TRUE((*a)->any_admin()) << "round " << round;
    (void)(*a)->remove("root1");
    (void)(*a)->remove("root2");
  }
}

// Waits until `store` listens and has heard `changes` user changes.
bool wait_for_changes(const PostgresUserStore& store, std::uint64_t changes) {
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  while (!(store.listening_for_changes() && store.changes_heard() >= changes)) {
    if (std::chrono::steady_clock::now() > deadline) {
      return false;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  return true;
}

// Asks `store` until it answers `expected` for (username, uid), for at most 10 s.
bool answers_soon(UserStore& store, const std::string& username, const std::string& uid,
                  bool expected) {
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  while (store.exists_with_uid(username, uid) != expected) {
    if (std::chrono::steady_clock::now() > deadline) {
      return false;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  return true;
}

TEST_F(PostgresUserStoreTest, ThePresenceCacheSeesARemovalOnAnotherNodeByNotification) {
  BMCP_REQUIRE_TEST_DATABASE(database);
  // A long lifetime, so only the notification can make the removal visible in time.
  auto cached = open_store(database->url(), clock_,
                           PostgresStoreOptions{4, std::chrono::milliseconds(3600 * 1000)});
  auto other = open_store(database->url(), clock_);
  ASSERT_TRUE(cached.ok() && other.ok());
  ASSERT_TRUE(wait_for_changes(**cached, 0));
  ASSERT_TRUE((*other)->add(user("alice")).ok());
  const std::string uid = (*other)->find("alice")->uid;
  ASSERT_TRUE(wait_for_changes(**cached, 1));
  EXPECT_TRUE((*cached)->exists_with_uid("alice", uid));
  // Answered from the cache now: a row deleted behind the store's back (no trigger fires on
  // TRUNCATE) stays "present".
  PgConnection::connect(database->url())->exec("TRUNCATE users");
  EXPECT_TRUE((*cached)->exists_with_uid("alice", uid));
  ASSERT_TRUE((*other)->add(user("alice")).ok());
  ASSERT_TRUE((*other)->remove("alice").ok());
  EXPECT_TRUE(answers_soon(**cached, "alice", uid, false));
}

TEST_F(PostgresUserStoreTest, ThePresenceCacheRefusesTheOldAccountOfANameCreatedAgainElsewhere) {
  BMCP_REQUIRE_TEST_DATABASE(database);
  auto cached = open_store(database->url(), clock_,
                           PostgresStoreOptions{4, std::chrono::milliseconds(3600 * 1000)});
  auto other = open_store(database->url(), clock_);
  ASSERT_TRUE(cached.ok() && other.ok());
  ASSERT_TRUE(wait_for_changes(**cached, 0));
  ASSERT_TRUE((*other)->add(user("alice")).ok());
  const std::string first = (*other)->find("alice")->uid;
  ASSERT_TRUE(wait_for_changes(**cached, 1));
  EXPECT_TRUE((*cached)->exists_with_uid("alice", first));  // now remembered
  ASSERT_TRUE((*other)->remove("alice").ok());
  ASSERT_TRUE((*other)->add(user("alice")).ok());
  const std::string second = (*other)->find("alice")->uid;
  ASSERT_NE(first, second);
  ASSERT_TRUE(wait_for_changes(**cached, 3));
  // The new account first, so that the old one is then answered from what that remembered.
  EXPECT_TRUE((*cached)->exists_with_uid("alice", second));
  EXPECT_FALSE((*cached)->exists_with_uid("alice", first));
  EXPECT_FALSE((*cached)->exists_with_uid("alice", ""));
}

TEST_F(PostgresUserStoreTest, ThePresenceCacheForgetsEntriesOlderThanItsLifetime) {
  BMCP_REQUIRE_TEST_DATABASE(database);
  auto cached =
      open_store(database->url(), clock_, PostgresStoreOptions{4, std::chrono::milliseconds(2000)});
  ASSERT_TRUE(cached.ok());
  ASSERT_TRUE(wait_for_changes(**cached, 0));
  ASSERT_TRUE((*cached)->add(user("alice")).ok());
  const std::string uid = (*cached)->find("alice")->uid;
  ASSERT_TRUE(wait_for_changes(**cached, 1));
  EXPECT_TRUE((*cached)->exists_with_uid("alice", uid));
  PgConnection::connect(database->url())->exec("TRUNCATE users");  // no notification
  EXPECT_TRUE((*cached)->exists_with_uid("alice", uid));
  clock_.advance(std::chrono::milliseconds(2000));
  EXPECT_FALSE((*cached)->exists_with_uid("alice", uid));
}

}  // namespace
}  // namespace bmcp::pgstore
