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

TEST(WalIndexProbe, AnUnwrittenDatabaseIsUnchangedAfterTheFirstLook) {
  TempDir dir;
  const auto db = open_database(dir.path() / "d.db");
  WalIndexProbe probe(dir.path() / "d.db");
  ASSERT_TRUE(probe.available());
  EXPECT_TRUE(probe.changed());
  EXPECT_FALSE(probe.changed());
  db->lock().exec("SELECT count(*) FROM t");  // reads write nothing
  EXPECT_FALSE(probe.changed());
}

TEST(WalIndexProbe, EveryCommitOfAnotherConnectionIsAChange) {
  TempDir dir;
  const auto db = open_database(dir.path() / "d.db");
  WalIndexProbe probe(dir.path() / "d.db");
  ASSERT_TRUE(probe.changed());
  const auto other = open_database(dir.path() / "d.db");
  for (int i = 0; i < 3; ++i) {
    other->lock().exec("INSERT INTO t VALUES (1)");
    EXPECT_TRUE(probe.changed()) << "commit " << i;
    EXPECT_FALSE(probe.changed());
  }
  // Same size rows rewritten in place: still a commit, still a change.
  other->lock().exec("UPDATE t SET v = 2");
  EXPECT_TRUE(probe.changed());
}

TEST(WalIndexProbe, ACommitInAnotherProcessIsAChange) {
  TempDir dir;
  const auto db = open_database(dir.path() / "d.db");
  WalIndexProbe probe(dir.path() / "d.db");
  ASSERT_TRUE(probe.changed());
  const auto file = dir.path() / "d.db";
  const pid_t child = ::fork();
  ASSERT_GE(child, 0);
  if (child == 0) {
    auto database = SqliteDatabase::open(file);
    if (!database.ok())
      ::_exit(2);
    (*database)->lock().exec("INSERT INTO t VALUES (7)");
    ::_exit(0);
  }
  int status = 0;
  ASSERT_EQ(::waitpid(child, &status, 0), child);
  ASSERT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0);
  EXPECT_TRUE(probe.changed());
  EXPECT_FALSE(probe.changed());
}

TEST(WalIndexProbe, ACheckpointThatRestartsTheLogIsAChange) {
  TempDir dir;
  const auto db = open_database(dir.path() / "d.db");
  db->lock().exec("INSERT INTO t VALUES (1)");
  WalIndexProbe probe(dir.path() / "d.db");
  ASSERT_TRUE(probe.changed());
  db->lock().exec("PRAGMA wal_checkpoint(TRUNCATE)");
  db->lock().exec("INSERT INTO t VALUES (2)");
  EXPECT_TRUE(probe.changed());
}

TEST(WalIndexProbe, WithoutAWalIndexItIsNotAvailable) {
  TempDir dir;
  WalIndexProbe missing(dir.path() / "none.db");
  EXPECT_FALSE(missing.available());
}

}  // namespace
}  // namespace bmcp::auth
