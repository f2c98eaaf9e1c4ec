#include "auth/sqlite_oauth_store.hpp"

#include <gtest/gtest.h>

#include "auth/user_store_schema.hpp"
#include "oauth_store_test.hpp"
#include "test_support.hpp"

namespace bmcp::auth {
namespace {

// One SQLite file in a temporary directory.
class SqliteOAuthFile final : public testing::OAuthPlace {
 public:
  std::unique_ptr<OAuthStore> open() override {
    auto store = SqliteOAuthStore::open(dir_.path() / "users.db");
    EXPECT_TRUE(store.ok()) << (store.ok() ? "" : store.error().message);
    return store.ok() ? std::move(store).value() : nullptr;
  }

 private:
  testing::TempDir dir_;
};

const testing::OAuthStoreBackend kSqlite{
    "Sqlite", []() -> Result<std::unique_ptr<testing::OAuthPlace>, std::string> {
      return std::unique_ptr<testing::OAuthPlace>(std::make_unique<SqliteOAuthFile>());
    }};

using testing::OAuthStoreTest;

INSTANTIATE_TEST_SUITE_P(Sqlite, OAuthStoreTest, ::testing::Values(kSqlite),
                         testing::oauth_backend_name);

TEST(SqliteOAuthStoreTest, AFileWithANewerSchemaIsRefused) {
  testing::TempDir dir;
  {
    auto database = SqliteDatabase::open(dir.path() / "users.db");
    ASSERT_TRUE(database.ok());
    auto lock = (*database)->lock();
    ASSERT_TRUE(migrate_user_store(lock).ok());
    lock.exec("UPDATE schema_version SET version = version + 1");
  }
  auto store = SqliteOAuthStore::open(dir.path() / "users.db");
  ASSERT_FALSE(store.ok());
  EXPECT_EQ(store.error().code, ErrorCode::kFailedPrecondition);
}

}  // namespace
}  // namespace bmcp::auth
