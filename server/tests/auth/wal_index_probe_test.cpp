#include "auth/wal_index_probe.hpp"

#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include "auth/sqlite_database.hpp"
#include "test_support.hpp"

namespace bmcp::auth {
namespace {

using testing::TempDir;

// A database in WAL mode with one table, as the user store keeps it; the connection stays open
// for the probe's life, as the store's does.
std::unique_ptr<SqliteDatabase> open_database(const std::filesystem::path& file) {
  auto database = SqliteDatabase::open(file);
  EXPECT_TRUE(database.ok());
  auto db = std::move(database).value();
  db->lock().exec("CREATE TABLE IF NOT EXISTS t (v INTEGER)");
  return db;
}

// A database open on this process's connection, and a probe of its wal-index made after it.
class WalIndexProbeTest : public ::testing::Test {
 protected:
  TempDir dir_;
  const std::filesystem::path file_ = dir_.path() / "d.db";
  const std::unique_ptr<SqliteDatabase> db_ = open_database(file_);
  WalIndexProbe probe_{file_};
};

TEST_F(WalIndexProbeTest, AnUnwrittenDatabaseIsUnchangedAfterTheFirstLook) {
  ASSERT_TRUE(probe_.available());
  EXPECT_TRUE(probe_.changed());
  EXPECT_FALSE(probe_.changed());
  db_->lock().exec("SELECT count(*) FROM t");  // reads write nothing
  EXPECT_FALSE(probe_.changed());
}

TEST_F(WalIndexProbeTest, EveryCommitOfAnotherConnectionIsAChange) {
  ASSERT_TRUE(probe_.changed());
  const auto other = open_database(file_);
  for (int i = 0; i < 3; ++i) {
    other->lock().exec("INSERT INTO t VALUES (1)");
    EXPECT_TRUE(probe_.changed()) << "commit " << i;
    EXPECT_FALSE(probe_.changed());
  }
  // Same size rows rewritten in place: still a commit, still a change.
  other->lock().exec("UPDATE t SET v = 2");
  EXPECT_TRUE(probe_.changed());
}

TEST_F(WalIndexProbeTest, ACommitInAnotherProcessIsAChange) {
  ASSERT_TRUE(probe_.changed());
  const pid_t child = ::fork();
  ASSERT_GE(child, 0);
  if (child == 0) {
    auto database = SqliteDatabase::open(file_);
    if (!database.ok())
      ::_exit(2);
    (*database)->lock().exec("INSERT INTO t VALUES (7)");
    ::_exit(0);
  }
  int status = 0;
  ASSERT_EQ(::waitpid(child, &status, 0), child);
  ASSERT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0);
  EXPECT_TRUE(probe_.changed());
  EXPECT_FALSE(probe_.changed());
}

TEST_F(WalIndexProbeTest, ACheckpointThatRestartsTheLogIsAChange) {
  db_->lock().exec("INSERT INTO t VALUES (1)");
  ASSERT_TRUE(probe_.changed());
  db_->lock().exec("PRAGMA wal_checkpoint(TRUNCATE)");
  db_->lock().exec("INSERT INTO t VALUES (2)");
  EXPECT_TRUE(probe_.changed());
}

TEST(WalIndexProbe, WithoutAWalIndexItIsNotAvailable) {
  TempDir dir;
  WalIndexProbe missing(dir.path() / "none.db");
  EXPECT_FALSE(missing.available());
}

}  // namespace
}  // namespace bmcp::auth
