#include "auth/file_change_probe.hpp"

#include <fcntl.h>
#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <fstream>

#include "test_support.hpp"

namespace bmcp::auth {
namespace {

using testing::TempDir;

void write_file(const std::filesystem::path& file, const std::string& text) {
  std::ofstream out(file, std::ios::binary | std::ios::trunc);
  out << text;
}

void append_file(const std::filesystem::path& file, const std::string& text) {
  std::ofstream out(file, std::ios::binary | std::ios::app);
  out << text;
}

TEST(FileChangeProbe, TheFirstLookIsAChangeAndAnUntouchedFileIsNot) {
  TempDir dir;
  write_file(dir.path() / "a", "one");
  FileChangeProbe probe({dir.path() / "a"});
  EXPECT_TRUE(probe.changed());
  EXPECT_FALSE(probe.changed());
  EXPECT_FALSE(probe.changed());
}

TEST(FileChangeProbe, AnAppendIsAChange) {
  TempDir dir;
  write_file(dir.path() / "a", "one");
  FileChangeProbe probe({dir.path() / "a"});
  ASSERT_TRUE(probe.changed());
  append_file(dir.path() / "a", "two");
  EXPECT_TRUE(probe.changed());
  EXPECT_FALSE(probe.changed());
}

TEST(FileChangeProbe, AFileReplacedByAnotherOfTheSameSizeIsAChange) {
  TempDir dir;
  write_file(dir.path() / "a", "one");
  FileChangeProbe probe({dir.path() / "a"});
  ASSERT_TRUE(probe.changed());
  write_file(dir.path() / "b", "two");
  std::filesystem::rename(dir.path() / "b", dir.path() / "a");  // another inode
  EXPECT_TRUE(probe.changed());
}

TEST(FileChangeProbe, CreatingOrRemovingAWatchedFileIsAChange) {
  TempDir dir;
  FileChangeProbe probe({dir.path() / "a", dir.path() / "b"});
  ASSERT_TRUE(probe.changed());
  EXPECT_FALSE(probe.changed());  // both missing, still missing
  write_file(dir.path() / "b", "");
  EXPECT_TRUE(probe.changed());
  std::filesystem::remove(dir.path() / "b");
  EXPECT_TRUE(probe.changed());
  EXPECT_FALSE(probe.changed());
}

TEST(FileChangeProbe, AFileRemovedAndCreatedAgainIsFollowedToItsNewInode) {
  TempDir dir;
  write_file(dir.path() / "a", "one");
  FileChangeProbe probe({dir.path() / "a"});
  ASSERT_TRUE(probe.changed());
  std::filesystem::remove(dir.path() / "a");
  write_file(dir.path() / "a", "one");
  EXPECT_TRUE(probe.changed());
  EXPECT_FALSE(probe.changed());
  append_file(dir.path() / "a", "two");  // seen on the new file, not the removed one
  EXPECT_TRUE(probe.changed());
}

// SQLite keeps POSIX record locks on the database file, and closing any ordinary descriptor of a
// file drops every such lock the process holds on it. The probe's descriptors must not.
TEST(FileChangeProbe, ClosingTheProbeKeepsThePOSIXLocksTheProcessHolds) {
  TempDir dir;
  const auto file = dir.path() / "locked";
  write_file(file, "data");
  const int fd = ::open(file.c_str(), O_RDWR | O_CLOEXEC);
  ASSERT_GE(fd, 0);
  struct flock lock {};
  lock.l_type = F_WRLCK;
  lock.l_whence = SEEK_SET;
  ASSERT_EQ(::fcntl(fd, F_SETLK, &lock), 0);
  {
    FileChangeProbe probe({file});
    ASSERT_TRUE(probe.changed());
  }
  // Another process asks who holds a lock (a process does not see its own locks this way).
  const pid_t child = ::fork();
  ASSERT_GE(child, 0);
  if (child == 0) {
    const int other = ::open(file.c_str(), O_RDWR | O_CLOEXEC);
    struct flock query {};
    query.l_type = F_WRLCK;
    query.l_whence = SEEK_SET;
    const bool held = other >= 0 && ::fcntl(other, F_GETLK, &query) == 0 && query.l_type != F_UNLCK;
    ::_exit(held ? 0 : 1);
  }
  int status = 0;
  ASSERT_EQ(::waitpid(child, &status, 0), child);
  EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0) << "the lock was released";
  ::close(fd);
}

}  // namespace
}  // namespace bmcp::auth
