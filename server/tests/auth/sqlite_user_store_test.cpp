#include "auth/sqlite_user_store.hpp"

#include <gtest/gtest.h>

#include "auth_service_accounts_test.hpp"
#include "test_support.hpp"
#include "user_store_test.hpp"

namespace bmcp::auth {
namespace {

// One SQLite file in a temporary directory.
class SqliteFile final : public testing::StoreUnderTest {
 public:
  std::unique_ptr<UserStore> open(const Clock& clock) override {
    auto store = SqliteUserStore::open(dir_.path() / "users.db", clock);
    EXPECT_TRUE(store.ok()) << (store.ok() ? "" : store.error().message);
    return store.ok() ? std::move(store).value() : nullptr;
  }

 private:
  testing::TempDir dir_;
};

const testing::UserStoreBackend kSqlite{
    "Sqlite", []() -> Result<std::unique_ptr<testing::StoreUnderTest>, std::string> {
      return std::unique_ptr<testing::StoreUnderTest>(std::make_unique<SqliteFile>());
    }};

using testing::AuthServiceAccountsTest;
using testing::UserStoreTest;

INSTANTIATE_TEST_SUITE_P(Sqlite, UserStoreTest, ::testing::Values(kSqlite), testing::backend_name);
INSTANTIATE_TEST_SUITE_P(Sqlite, AuthServiceAccountsTest, ::testing::Values(kSqlite),
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

}  // namespace
}  // namespace bmcp::auth
