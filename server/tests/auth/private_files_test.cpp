#include "auth/private_files.hpp"

#include <gtest/gtest.h>
#include <sys/stat.h>

#include <fstream>

#include "auth/data_dir.hpp"
#include "test_support.hpp"

namespace bmcp::auth {
namespace {

namespace fs = std::filesystem;

unsigned mode_of(const fs::path& path) {
  struct stat info {};
  EXPECT_EQ(::stat(path.c_str(), &info), 0) << path;
  return info.st_mode & 07777u;
}

class PrivateFilesTest : public ::testing::Test {
 protected:
  // A file with `mode`, whatever the umask.
  void make(const std::string& name, unsigned mode) {
    std::ofstream(dir_.path() / name) << "secret\n";
    fs::permissions(dir_.path() / name, fs::perms(mode));
  }

  testing::TempDir dir_;
};

TEST_F(PrivateFilesTest, WideModesLoseTheirGroupAndOtherBitsWithOneWarningEach) {
  fs::permissions(dir_.path(), fs::perms(0755));
  make("blender-mcp.db", 0644);
  make("blender-mcp.db-wal", 0664);
  make("blender-mcp.db-shm", 0666);
  make("blender-mcp.db-journal", 0640);
  make("jwt_secret", 0604);
  make("admin_password", 0660);
  const auto warnings = tighten_private_files(dir_.path());
  EXPECT_EQ(mode_of(dir_.path()), 0700u);
  for (const char* name : {"blender-mcp.db", "blender-mcp.db-wal", "blender-mcp.db-shm",
                           "blender-mcp.db-journal", "jwt_secret", "admin_password"}) {
    EXPECT_EQ(mode_of(dir_.path() / name), 0600u) << name;
  }
  ASSERT_EQ(warnings.size(), 7u);
  EXPECT_EQ(warnings[0], "data directory " + dir_.path().string() +
                             " had mode 0755, open to other users; changed it to 0700");
  EXPECT_EQ(warnings[1], "file " + (dir_.path() / "blender-mcp.db").string() +
                             " had mode 0644, open to other users; changed it to 0600");
}

TEST_F(PrivateFilesTest, PrivateModesAndMissingFilesAreLeftAloneWithoutWarnings) {
  fs::permissions(dir_.path(), fs::perms(0700));
  make("blender-mcp.db", 0600);
  make("jwt_secret", 0400);
  EXPECT_TRUE(tighten_private_files(dir_.path()).empty());
  EXPECT_EQ(mode_of(dir_.path() / "jwt_secret"), 0400u);
}

TEST_F(PrivateFilesTest, OnlyTheGroupAndOtherBitsAreRemoved) {
  fs::permissions(dir_.path(), fs::perms(0750));
  make("jwt_secret", 0444);
  EXPECT_EQ(tighten_private_files(dir_.path()).size(), 2u);
  EXPECT_EQ(mode_of(dir_.path()), 0700u);
  EXPECT_EQ(mode_of(dir_.path() / "jwt_secret"), 0400u);
}

TEST_F(PrivateFilesTest, OtherFilesInTheDirectoryAreNotTouched) {
  make("notes.txt", 0644);
  make("blender-mcp.db.bak", 0644);
  tighten_private_files(dir_.path());
  EXPECT_EQ(mode_of(dir_.path() / "notes.txt"), 0644u);
  EXPECT_EQ(mode_of(dir_.path() / "blender-mcp.db.bak"), 0644u);
}

TEST_F(PrivateFilesTest, ASharedStickyDirectoryIsLeftAsItIsWithAWarning) {
  fs::permissions(dir_.path(), fs::perms(01777));
  make("blender-mcp.db", 0644);
  const auto warnings = tighten_private_files(dir_.path());
  EXPECT_EQ(mode_of(dir_.path()), 01777u);
  EXPECT_EQ(mode_of(dir_.path() / "blender-mcp.db"), 0600u);
  ASSERT_EQ(warnings.size(), 2u);
  EXPECT_NE(warnings[0].find("is shared (mode 1777, sticky bit)"), std::string::npos)
      << warnings[0];
  fs::permissions(dir_.path(), fs::perms(0700));
}

TEST_F(PrivateFilesTest, AMissingDataDirectoryGivesNoWarnings) {
  EXPECT_TRUE(tighten_private_files(dir_.path() / "missing").empty());
}

}  // namespace
}  // namespace bmcp::auth
