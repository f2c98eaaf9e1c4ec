#include "auth/user_store_schema.hpp"

#include <gtest/gtest.h>

#include <string>
#include <vector>

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
  db.exec("SELECT username, password_hash, roles, scopes, created_at, updated_at, uid FROM users");
  db.exec(
      "SELECT jti, username, issued_at, expires_at, rotated_at, revoked_at FROM refresh_tokens");
}

TEST_F(UserStoreSchemaTest, MigratingTwiceChangesNothing) {
  auto db = database_->lock();
  ASSERT_TRUE(migrate_user_store(db).ok());
  db.exec("INSERT INTO users VALUES ('a', 'h', '[]', '[]', 1, 1, 'u')");
  ASSERT_TRUE(migrate_user_store(db).ok());
  auto select = db.prepare("SELECT COUNT(*) FROM users");
  ASSERT_TRUE(select.step());
  EXPECT_EQ(select.column_int(0), 1);
}

// A file written by the first schema: users without uid.
TEST_F(UserStoreSchemaTest, VersionTwoGivesEveryExistingUserItsOwnUid) {
  auto db = database_->lock();
  db.exec(
      "CREATE TABLE schema_version (version INTEGER NOT NULL);"
      "INSERT INTO schema_version VALUES (1);"
      "CREATE TABLE users (username TEXT PRIMARY KEY NOT NULL, password_hash TEXT NOT NULL,"
      "  roles TEXT NOT NULL, scopes TEXT NOT NULL, created_at REAL NOT NULL,"
      "  updated_at REAL NOT NULL);"
      "CREATE TABLE refresh_tokens (jti TEXT PRIMARY KEY NOT NULL, username TEXT NOT NULL,"
      "  issued_at INTEGER NOT NULL, expires_at INTEGER NOT NULL, rotated_at REAL,"
      "  revoked_at REAL);"
      "INSERT INTO users VALUES ('a', 'h', '[]', '[]', 1, 1), ('b', 'h', '[]', '[]', 1, 1);");
  ASSERT_TRUE(migrate_user_store(db).ok());
  EXPECT_EQ(user_store_schema_version(db), kUserStoreSchemaVersion);
  auto select = db.prepare("SELECT uid FROM users ORDER BY username");
  std::vector<std::string> uids;
  while (select.step()) {
    uids.push_back(select.column_text(0));
  }
  ASSERT_EQ(uids.size(), 2u);
  for (const auto& uid : uids) {
    EXPECT_EQ(uid.size(), 32u) << uid;
    EXPECT_EQ(uid.find_first_not_of("0123456789abcdef"), std::string::npos) << uid;
  }
  EXPECT_NE(uids[0], uids[1]);
}

TEST_F(UserStoreSchemaTest, TwoUsersCannotShareAUid) {
  auto db = database_->lock();
  ASSERT_TRUE(migrate_user_store(db).ok());
  db.exec("INSERT INTO users VALUES ('a', 'h', '[]', '[]', 1, 1, 'same')");
  EXPECT_THROW(db.exec("INSERT INTO users VALUES ('b', 'h', '[]', '[]', 1, 1, 'same')"),
               SqliteError);
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
