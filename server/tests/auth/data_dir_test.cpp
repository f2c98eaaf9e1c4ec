#include "auth/data_dir.hpp"

#include <gtest/gtest.h>
#include <sys/stat.h>

#include <fstream>
#include <map>

#include "test_support.hpp"

namespace bmcp::auth {
namespace {

EnvLookup env_of(std::map<std::string, std::string> values) {
  return [values = std::move(values)](const char* name) -> std::optional<std::string> {
    const auto found = values.find(name);
    if (found == values.end()) {
      return std::nullopt;
    }
    return found->second;
  };
}

unsigned mode_of(const std::filesystem::path& path) {
  struct stat info {};
  EXPECT_EQ(::stat(path.c_str(), &info), 0);
  return info.st_mode & 0777u;
}

TEST(ResolveDataDir, TheFlagWinsOverEverything) {
  const auto dir = resolve_data_dir(
      "/flag",
      env_of({{"BLENDER_MCP_DATA_DIR", "/env"}, {"XDG_DATA_HOME", "/xdg"}, {"HOME", "/home/u"}}));
  ASSERT_TRUE(dir.ok());
  EXPECT_EQ(*dir, "/flag");
}

TEST(ResolveDataDir, TheEnvironmentVariableComesNext) {
  const auto dir = resolve_data_dir(
      std::nullopt, env_of({{"BLENDER_MCP_DATA_DIR", "/env"}, {"XDG_DATA_HOME", "/xdg"}}));
  ASSERT_TRUE(dir.ok());
  EXPECT_EQ(*dir, "/env");
}

TEST(ResolveDataDir, XdgDataHomeGetsABlenderMcpSubdirectory) {
  const auto dir =
      resolve_data_dir(std::nullopt, env_of({{"XDG_DATA_HOME", "/xdg"}, {"HOME", "/home/u"}}));
  ASSERT_TRUE(dir.ok());
  EXPECT_EQ(*dir, "/xdg/blender-mcp");
}

TEST(ResolveDataDir, HomeIsTheLastResort) {
  const auto dir = resolve_data_dir(std::nullopt, env_of({{"HOME", "/home/u"}}));
  ASSERT_TRUE(dir.ok());
  EXPECT_EQ(*dir, "/home/u/.local/share/blender-mcp");
}

TEST(ResolveDataDir, EmptyValuesCountAsUnset) {
  const auto dir = resolve_data_dir(
      "", env_of({{"BLENDER_MCP_DATA_DIR", ""}, {"XDG_DATA_HOME", ""}, {"HOME", "/home/u"}}));
  ASSERT_TRUE(dir.ok());
  EXPECT_EQ(*dir, "/home/u/.local/share/blender-mcp");
}

TEST(ResolveDataDir, NothingSetFailsWithFailedPrecondition) {
  const auto dir = resolve_data_dir(std::nullopt, env_of({}));
  ASSERT_FALSE(dir.ok());
  EXPECT_EQ(dir.error().code, ErrorCode::kFailedPrecondition);
}

TEST(EnsureDataDir, AMissingDirectoryIsCreatedWithMode0700) {
  const testing::TempDir temp;
  const auto dir = temp.path() / "a" / "b" / "data";
  ASSERT_TRUE(ensure_data_dir(dir).ok());
  EXPECT_TRUE(std::filesystem::is_directory(dir));
  EXPECT_EQ(mode_of(dir), 0700u);
}

TEST(EnsureDataDir, ATrailingSlashStillGetsMode0700) {
  const testing::TempDir temp;
  const auto dir = temp.path() / "data" / "";
  ASSERT_TRUE(ensure_data_dir(dir).ok());
  EXPECT_EQ(mode_of(temp.path() / "data"), 0700u);
}

TEST(EnsureDataDir, AnExistingDirectoryKeepsItsMode) {
  const testing::TempDir temp;
  ASSERT_EQ(::chmod(temp.path().c_str(), 0750), 0);
  ASSERT_TRUE(ensure_data_dir(temp.path()).ok());
  EXPECT_EQ(mode_of(temp.path()), 0750u);
}

TEST(EnsureDataDir, AFileInTheWayFailsWithIo) {
  const testing::TempDir temp;
  const auto file = temp.path() / "file";
  std::ofstream(file) << "x";
  const Status status = ensure_data_dir(file);
  ASSERT_FALSE(status.ok());
  EXPECT_EQ(status.error().code, ErrorCode::kIo);
}

TEST(DatabaseFile, IsBlenderMcpDbInTheDataDirectory) {
  EXPECT_EQ(database_file("/data"), "/data/blender-mcp.db");
}

}  // namespace
}  // namespace bmcp::auth
