#include "pgstore/postgres_user_store.hpp"

#include <gtest/gtest.h>

#include <atomic>
#include <regex>
#include <set>
#include <thread>

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

 private:
  // The stores opened on it go away with the test fixture first (declared after place_).
  std::unique_ptr<testing::TestDatabase> database_;
};

using auth::testing::UserStoreTest;

INSTANTIATE_TEST_SUITE_P(
    Postgres, UserStoreTest,
    ::testing::Values(auth::testing::UserStoreBackend{
        "Postgres",
        []() -> Result<std::unique_ptr<auth::testing::StoreUnderTest>, std::string> {
          auto database = testing::TestDatabase::create();
          if (!database) {
            return Unexpected{database.error()};
          }
          return std::unique_ptr<auth::testing::StoreUnderTest>(
              std::make_unique<PostgresDatabase>(std::move(database).value()));
        }}),
    auth::testing::backend_name);

UserRecord user(const std::string& name, std::vector<std::string> roles = {"user"}) {
  return UserRecord{name, "$argon2id$hash-of-" + name, std::move(roles), {"read"}, 0, 0};
}

class PostgresUserStoreTest : public ::testing::Test {
 protected:
  std::int64_t now() const { return static_cast<std::int64_t>(clock_.unix_seconds()); }
  FakeClock clock_;
};

TEST_F(PostgresUserStoreTest, EveryUserGetsAnImmutableRandom128BitUid) {
  BMCP_REQUIRE_TEST_DATABASE(database);
  auto store = open_store(database->url(), clock_);
  ASSERT_TRUE(store.ok());
  auto& users = **store;
  UserRecord asked = user("alice");
  asked.uid = "chosen-by-the-caller";
  ASSERT_TRUE(users.add(asked).ok());
  const auto alice = users.find("alice");
  ASSERT_TRUE(alice.ok());
  EXPECT_TRUE(std::regex_match(alice->uid, std::regex("[0-9a-f]{32}"))) << alice->uid;
  ASSERT_TRUE(users.set_password("alice", "$argon2id$other").ok());
  ASSERT_TRUE(users.set_roles_and_scopes("alice", {"admin"}, {"*"}).ok());
  EXPECT_EQ(users.find("alice")->uid, alice->uid);
  EXPECT_EQ(users.list().at(0).uid, alice->uid);
}

TEST_F(PostgresUserStoreTest, AUserReCreatedUnderTheSameNameGetsANewUid) {
  BMCP_REQUIRE_TEST_DATABASE(database);
  auto store = open_store(database->url(), clock_);
  ASSERT_TRUE(store.ok());
  ASSERT_TRUE((*store)->add(user("alice")).ok());
  const std::string first = (*store)->find("alice")->uid;
  ASSERT_TRUE((*store)->remove("alice").ok());
  ASSERT_TRUE((*store)->add(user("alice")).ok());
  EXPECT_NE((*store)->find("alice")->uid, first);
}

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
