#include "auth/sqlite_user_store.hpp"

#include <gtest/gtest.h>

#include "auth_service_accounts_test.hpp"
#include "test_support.hpp"
#include "user_store_test.hpp"

namespace bmcp::auth {
namespace {

using std::chrono::milliseconds;

// One SQLite file in a temporary directory, opened with or without the presence cache.
class SqliteFile final : public testing::StoreUnderTest {
 public:
  explicit SqliteFile(std::optional<milliseconds> presence_cache_ttl)
      : presence_cache_ttl_(presence_cache_ttl) {}

  std::unique_ptr<UserStore> open(const Clock& clock) override {
    auto store = SqliteUserStore::open(dir_.path() / "users.db", clock, presence_cache_ttl_);
    EXPECT_TRUE(store.ok()) << (store.ok() ? "" : store.error().message);
    return store.ok() ? std::move(store).value() : nullptr;
  }

 private:
  std::optional<milliseconds> presence_cache_ttl_;
  testing::TempDir dir_;
};

const testing::UserStoreBackend kSqlite{
    "Sqlite", []() -> Result<std::unique_ptr<testing::StoreUnderTest>, std::string> {
      return std::unique_ptr<testing::StoreUnderTest>(std::make_unique<SqliteFile>(std::nullopt));
    }};
const testing::UserStoreBackend kSqliteCached{
    "SqliteCached", []() -> Result<std::unique_ptr<testing::StoreUnderTest>, std::string> {
      return std::unique_ptr<testing::StoreUnderTest>(
          std::make_unique<SqliteFile>(milliseconds(3000)));
    }};

using testing::AuthServiceAccountsTest;
using testing::UserStoreTest;

INSTANTIATE_TEST_SUITE_P(Sqlite, UserStoreTest, ::testing::Values(kSqlite, kSqliteCached),
                         testing::backend_name);
INSTANTIATE_TEST_SUITE_P(Sqlite, AuthServiceAccountsTest, ::testing::Values(kSqlite, kSqliteCached),
                         testing::backend_name);

class SqliteUserStoreTest : public ::testing::Test {
 protected:
  testing::TempDir dir_;
  FakeClock clock_;
};

TEST_F(SqliteUserStoreTest, ANewerSchemaVersionIsRefusedOnOpen) {
  ASSERT_TRUE(SqliteUserStore::open(dir_.path() / "users.db", clock_).ok());
  {
    auto database = SqliteDatabase::open(dir_.path() / "users.db");
    ASSERT_TRUE(database.ok());
    (*database)->lock().exec("UPDATE schema_version SET version = version + 1");
  }
  const auto store = SqliteUserStore::open(dir_.path() / "users.db", clock_);
  ASSERT_FALSE(store.ok());
  EXPECT_EQ(store.error().code, ErrorCode::kFailedPrecondition);
}

TEST_F(SqliteUserStoreTest, OpeningInAMissingDirectoryFailsWithIo) {
  const auto store = SqliteUserStore::open(dir_.path() / "missing" / "users.db", clock_);
  ASSERT_FALSE(store.ok());
  EXPECT_EQ(store.error().code, ErrorCode::kIo);
}

// --- the presence cache: another connection to the file stands in for the `user` CLI process ---

class SqliteUserStoreCacheTest : public SqliteUserStoreTest {
 protected:
  void SetUp() override {
    server_ = open_store(milliseconds(3000));
    cli_ = open_store(std::nullopt);
    ASSERT_TRUE(server_->add(UserRecord{"demo", "hash", {"user"}, {"read"}, 0, 0}).ok());
    uid_ = server_->find("demo")->uid;
  }

  std::unique_ptr<SqliteUserStore> open_store(std::optional<milliseconds> ttl) {
    auto store = SqliteUserStore::open(dir_.path() / "users.db", clock_, ttl);
    EXPECT_TRUE(store.ok());
    return std::move(store).value();
  }

  std::unique_ptr<SqliteUserStore> server_;
  std::unique_ptr<SqliteUserStore> cli_;
  std::string uid_;
};

TEST_F(SqliteUserStoreCacheTest, ARemovalByAnotherProcessIsSeenOnTheNextCheck) {
  ASSERT_TRUE(server_->exists_with_uid("demo", uid_));
  ASSERT_TRUE(server_->exists_with_uid("demo", uid_));  // now remembered
  ASSERT_TRUE(cli_->remove("demo").ok());
  EXPECT_FALSE(server_->exists_with_uid("demo", uid_));
}

TEST_F(SqliteUserStoreCacheTest, ANameCreatedAgainByAnotherProcessRefusesTheOldAccountsUid) {
  ASSERT_TRUE(server_->exists_with_uid("demo", uid_));
  ASSERT_TRUE(cli_->remove("demo").ok());
  ASSERT_TRUE(cli_->add(UserRecord{"demo", "hash", {"user"}, {"read"}, 0, 0}).ok());
  const std::string new_uid = cli_->find("demo")->uid;
  EXPECT_FALSE(server_->exists_with_uid("demo", uid_));
  EXPECT_TRUE(server_->exists_with_uid("demo", new_uid));
  EXPECT_FALSE(server_->exists_with_uid("demo", uid_));
}

TEST_F(SqliteUserStoreCacheTest, AnAbsenceIsForgottenWhenAnotherProcessAddsTheUser) {
  EXPECT_FALSE(server_->exists_with_uid("late", uid_));
  ASSERT_TRUE(cli_->add(UserRecord{"late", "hash", {"user"}, {"read"}, 0, 0}).ok());
  EXPECT_TRUE(server_->exists_with_uid("late", cli_->find("late")->uid));
}

TEST_F(SqliteUserStoreCacheTest, ChangesMadeThroughTheCachedStoreItselfAreSeenAtOnce) {
  ASSERT_TRUE(server_->exists_with_uid("demo", uid_));
  ASSERT_TRUE(server_->remove("demo").ok());
  EXPECT_FALSE(server_->exists_with_uid("demo", uid_));
  ASSERT_TRUE(server_->add(UserRecord{"demo", "hash", {"user"}, {"read"}, 0, 0}).ok());
  EXPECT_TRUE(server_->exists_with_uid("demo", server_->find("demo")->uid));
}

TEST_F(SqliteUserStoreCacheTest, AnEmptyUidNeverMatches) {
  EXPECT_FALSE(server_->exists_with_uid("demo", ""));
  EXPECT_FALSE(cli_->exists_with_uid("demo", ""));
}

}  // namespace
}  // namespace bmcp::auth
