#include "auth/user_store_schema.hpp"

#include <gtest/gtest.h>

#include "test_support.hpp"

namespace bmcp::auth {
namespace {

class UserStoreSchemaTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto opened = SqliteDatabase::open(dir_.path() / "schema.db");
    ASSERT_TRUE(opened.ok());
    database_ = std::move(opened).value();
  }

  testing::TempDir dir_;
  std::unique_ptr<SqliteDatabase> database_;
};

TEST_F(UserStoreSchemaTest, ANewFileHasVersionZero) {
  auto db = database_->lock();
  EXPECT_EQ(user_store_schema_version(db), 0);
}

TEST_F(UserStoreSchemaTest, MigrationBringsANewFileToTheCurrentVersion) {
  auto db = database_->lock();
  ASSERT_TRUE(migrate_user_store(db).ok());
  EXPECT_EQ(user_store_schema_version(db), kUserStoreSchemaVersion);
  db.exec("SELECT username, password_hash, roles, scopes, created_at, updated_at FROM users");
  db.exec(
      "SELECT jti, username, issued_at, expires_at, rotated_at, revoked_at FROM refresh_tokens");
}

TEST_F(UserStoreSchemaTest, MigratingTwiceChangesNothing) {
  auto db = database_->lock();
  ASSERT_TRUE(migrate_user_store(db).ok());
  db.exec("INSERT INTO users VALUES ('a', 'h', '[]', '[]', 1, 1)");
  ASSERT_TRUE(migrate_user_store(db).ok());
  auto select = db.prepare("SELECT COUNT(*) FROM users");
  ASSERT_TRUE(select.step());
  EXPECT_EQ(select.column_int(0), 1);
}

TEST_F(UserStoreSchemaTest, AFileFromANewerSchemaIsRefused) {
  auto db = database_->lock();
  ASSERT_TRUE(migrate_user_store(db).ok());
  db.exec("UPDATE schema_version SET version = version + 1");
  const Status status = migrate_user_store(db);
  ASSERT_FALSE(status.ok());
  EXPECT_EQ(status.error().code, ErrorCode::kFailedPrecondition);
}

}  // namespace
}  // namespace bmcp::auth
