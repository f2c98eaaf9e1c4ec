#include "auth/sqlite_database.hpp"

#include <gtest/gtest.h>
#include <sys/stat.h>

#include <stdexcept>

#include "test_support.hpp"

namespace bmcp::auth {
namespace {

class SqliteDatabaseTest : public ::testing::Test {
 protected:
  std::unique_ptr<SqliteDatabase> open() {
    auto database = SqliteDatabase::open(dir_.path() / "test.db");
    EXPECT_TRUE(database.ok());
    return std::move(database).value();
  }

  std::int64_t count_rows(SqliteDatabase& database) {
    auto db = database.lock();
    auto select = db.prepare("SELECT COUNT(*) FROM items");
    EXPECT_TRUE(select.step());
    return select.column_int(0);
  }

  testing::TempDir dir_;
};

TEST_F(SqliteDatabaseTest, OpeningCreatesTheFile) {
  const auto database = open();
  EXPECT_TRUE(std::filesystem::exists(dir_.path() / "test.db"));
}

unsigned mode_of(const std::filesystem::path& path) {
  struct stat info {};
  EXPECT_EQ(::stat(path.c_str(), &info), 0) << path;
  return info.st_mode & 0777u;
}

TEST_F(SqliteDatabaseTest, ANewFileAndItsWalAndShmFilesArePrivateWhateverTheUmask) {
  const mode_t saved = ::umask(0);  // the widest umask: only the open mode decides
  auto database = SqliteDatabase::open(dir_.path() / "test.db");
  ::umask(saved);
  ASSERT_TRUE(database.ok());
  {
    auto db = (*database)->lock();
    db.exec("CREATE TABLE items (value TEXT)");
    db.exec("INSERT INTO items VALUES ('x')");
  }
  for (const char* name : {"test.db", "test.db-wal", "test.db-shm"}) {
    EXPECT_EQ(mode_of(dir_.path() / name), 0600u) << name;
  }
}

TEST_F(SqliteDatabaseTest, AnExistingFileKeepsItsModeAndContent) {
  { open()->lock().exec("CREATE TABLE items (value TEXT)"); }
  std::filesystem::permissions(dir_.path() / "test.db", std::filesystem::perms(0640));
  auto database = open();
  EXPECT_EQ(mode_of(dir_.path() / "test.db"), 0640u);
  EXPECT_EQ(count_rows(*database), 0);
}

TEST_F(SqliteDatabaseTest, OpeningInAMissingDirectoryFailsWithIo) {
  const auto database = SqliteDatabase::open(dir_.path() / "missing" / "test.db");
  ASSERT_FALSE(database.ok());
  EXPECT_EQ(database.error().code, ErrorCode::kIo);
}

TEST_F(SqliteDatabaseTest, TheJournalIsInWalMode) {
  auto database = open();
  auto db = database->lock();
  auto select = db.prepare("PRAGMA journal_mode");
  ASSERT_TRUE(select.step());
  EXPECT_EQ(select.column_text(0), "wal");
}

TEST_F(SqliteDatabaseTest, StatementsBindAndReadTextIntegersAndReals) {
  auto database = open();
  auto db = database->lock();
  db.exec("CREATE TABLE items (name TEXT, count INTEGER, weight REAL)");
  db.prepare("INSERT INTO items VALUES (?, ?, ?)")
      .bind(1, std::string_view("bolt\0nut", 8))
      .bind(2, std::int64_t{1} << 40)
      .bind(3, 2.5)
      .run();
  EXPECT_EQ(db.changes(), 1);
  auto select = db.prepare("SELECT name, count, weight FROM items");
  ASSERT_TRUE(select.step());
  EXPECT_EQ(select.column_text(0), std::string("bolt\0nut", 8));
  EXPECT_EQ(select.column_int(1), std::int64_t{1} << 40);
  EXPECT_DOUBLE_EQ(select.column_double(2), 2.5);
  EXPECT_FALSE(select.step());
}

TEST_F(SqliteDatabaseTest, ANullColumnReadsAsEmptyText) {
  auto database = open();
  auto db = database->lock();
  auto select = db.prepare("SELECT NULL");
  ASSERT_TRUE(select.step());
  EXPECT_EQ(select.column_text(0), "");
}

TEST_F(SqliteDatabaseTest, InvalidSqlThrowsSqliteError) {
  auto database = open();
  auto db = database->lock();
  EXPECT_THROW(db.exec("CREATE NONSENSE"), SqliteError);
  EXPECT_THROW(db.prepare("SELECT * FROM no_such_table"), SqliteError);
}

TEST_F(SqliteDatabaseTest, AConstraintViolationThrowsOnStep) {
  auto database = open();
  auto db = database->lock();
  db.exec("CREATE TABLE items (name TEXT PRIMARY KEY)");
  db.exec("INSERT INTO items VALUES ('a')");
  auto insert = db.prepare("INSERT INTO items VALUES ('a')");
  EXPECT_THROW(insert.step(), SqliteError);
}

TEST_F(SqliteDatabaseTest, ASuccessfulTransactionCommits) {
  auto database = open();
  {
    auto db = database->lock();
    db.exec("CREATE TABLE items (name TEXT)");
    const Status status = db.transaction([&db]() -> Status {
      db.exec("INSERT INTO items VALUES ('a')");
      return {};
    });
    EXPECT_TRUE(status.ok());
  }
  EXPECT_EQ(count_rows(*database), 1);
}

TEST_F(SqliteDatabaseTest, AFailedTransactionRollsBackAndPassesTheErrorOn) {
  auto database = open();
  {
    auto db = database->lock();
    db.exec("CREATE TABLE items (name TEXT)");
    const Status status = db.transaction([&db]() -> Status {
      db.exec("INSERT INTO items VALUES ('a')");
      return Unexpected{make_error(ErrorCode::kNotFound, "gone")};
    });
    ASSERT_FALSE(status.ok());
    EXPECT_EQ(status.error().code, ErrorCode::kNotFound);
  }
  EXPECT_EQ(count_rows(*database), 0);
}

TEST_F(SqliteDatabaseTest, ATransactionThatThrowsRollsBackAndRethrows) {
  auto database = open();
  {
    auto db = database->lock();
    db.exec("CREATE TABLE items (name TEXT)");
    EXPECT_THROW((void)db.transaction([&db]() -> Status {
      db.exec("INSERT INTO items VALUES ('a')");
      throw std::logic_error("bug");
    }),
                 std::logic_error);
    // The connection is usable again: no transaction was left open.
    EXPECT_TRUE(db.transaction([] { return Status{}; }).ok());
  }
  EXPECT_EQ(count_rows(*database), 0);
}

TEST_F(SqliteDatabaseTest, TwoConnectionsToOneFileSeeEachOthersWrites) {
  auto first = open();
  auto second = open();
  first->lock().exec("CREATE TABLE items (name TEXT)");
  first->lock().exec("INSERT INTO items VALUES ('a')");
  EXPECT_EQ(count_rows(*second), 1);
}

TEST_F(SqliteDatabaseTest, ACachedStatementIsReusedWithFreshBindings) {
  auto database = open();
  database->lock().exec("CREATE TABLE items (name TEXT)");
  database->lock().exec("INSERT INTO items VALUES ('a'), ('b')");
  constexpr std::string_view kSql = "SELECT COUNT(*) FROM items WHERE name = ?";
  for (const auto* name : {"a", "b", "c"}) {
    auto db = database->lock();
    auto select = db.prepare_cached(kSql);
    select.bind(1, std::string_view(name));
    ASSERT_TRUE(select.step());
    EXPECT_EQ(select.column_int(0), std::string_view(name) == "c" ? 0 : 1);
  }
  // Cleared bindings read as NULL, which matches no row.
  auto db = database->lock();
  auto select = db.prepare_cached(kSql);
  ASSERT_TRUE(select.step());
  EXPECT_EQ(select.column_int(0), 0);
}

TEST_F(SqliteDatabaseTest, ACachedStatementLeftMidRowsSeesAnotherConnectionsLaterWrites) {
  auto first = open();
  auto second = open();
  first->lock().exec("CREATE TABLE items (name TEXT)");
  first->lock().exec("INSERT INTO items VALUES ('a'), ('b')");
  constexpr std::string_view kSql = "SELECT name FROM items";
  {
    auto db = second->lock();
    auto select = db.prepare_cached(kSql);
    ASSERT_TRUE(select.step());  // one row of two: the statement is not done
  }
  first->lock().exec("INSERT INTO items VALUES ('c')");
  auto db = second->lock();
  auto select = db.prepare_cached(kSql);
  int rows = 0;
  while (select.step()) {
    ++rows;
  }
  EXPECT_EQ(rows, 3);
}

TEST_F(SqliteDatabaseTest, ACachedStatementWithInvalidSqlThrows) {
  auto database = open();
  auto db = database->lock();
  EXPECT_THROW(db.prepare_cached("SELEC nonsense"), SqliteError);
}

}  // namespace
}  // namespace bmcp::auth
