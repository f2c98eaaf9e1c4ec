#include "host/tree_copy.hpp"

#include <gtest/gtest.h>

#include <fstream>
#include <iterator>

#include "temp_tree.hpp"

namespace bmcp::host {
namespace {

using testing::TempDir;
using testing::write_file;

std::string read(const std::filesystem::path& path) {
  std::ifstream in(path);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

std::size_t entries(const std::filesystem::path& dir) {
  return static_cast<std::size_t>(std::distance(std::filesystem::directory_iterator(dir),
                                                std::filesystem::directory_iterator()));
}

TEST(TreeCopy, CopiesTheTreeIntoNewParentDirectories) {
  TempDir dir;
  write_file(dir / "src/blender_mcp/__init__.py", "bl_info = {}\n");
  write_file(dir / "src/blender_mcp/sub/module.py", "x = 1\n");
  write_file(dir / "src/blender_mcp/__pycache__/module.cpython-311.pyc", "compiled");
  const auto target = dir / "home/.config/blender/3.4/scripts/addons/blender_mcp";
  auto copied = replace_directory(dir / "src/blender_mcp", target);
  ASSERT_TRUE(copied) << copied.error();
  EXPECT_EQ(read(target / "__init__.py"), "bl_info = {}\n");
  EXPECT_EQ(read(target / "sub/module.py"), "x = 1\n");
  EXPECT_FALSE(std::filesystem::exists(target / "__pycache__"));
  EXPECT_EQ(entries(target.parent_path()), 1u);  // no staging or previous copy left behind
}

TEST(TreeCopy, ReplacesAnOlderCopyEntirely) {
  TempDir dir;
  write_file(dir / "src/__init__.py", "new\n");
  write_file(dir / "addons/blender_mcp/__init__.py", "old\n");
  write_file(dir / "addons/blender_mcp/removed.py", "stale\n");
  write_file(dir / "addons/other_addon/__init__.py", "kept\n");
  ASSERT_TRUE(replace_directory(dir / "src", dir / "addons/blender_mcp"));
  EXPECT_EQ(read(dir / "addons/blender_mcp/__init__.py"), "new\n");
  EXPECT_FALSE(std::filesystem::exists(dir / "addons/blender_mcp/removed.py"));
  EXPECT_EQ(read(dir / "addons/other_addon/__init__.py"), "kept\n");
  EXPECT_EQ(entries(dir / "addons"), 2u);
}

TEST(TreeCopy, AMissingSourceIsAnErrorNamingIt) {
  TempDir dir;
  auto copied = replace_directory(dir / "nowhere", dir / "addons/blender_mcp");
  ASSERT_FALSE(copied);
  EXPECT_NE(copied.error().find((dir / "nowhere").string()), std::string::npos);
  EXPECT_FALSE(std::filesystem::exists(dir / "addons"));
}

TEST(TreeCopy, AFailedCopyLeavesTheOlderCopyInPlace) {
  TempDir dir;
  write_file(dir / "src/__init__.py", "new\n");
  // A dangling link cannot be copied, even by root.
  std::filesystem::create_symlink(dir / "nowhere.py", dir / "src/secret.py");
  write_file(dir / "addons/blender_mcp/__init__.py", "old\n");
  auto copied = replace_directory(dir / "src", dir / "addons/blender_mcp");
  ASSERT_FALSE(copied);
  EXPECT_NE(copied.error().find("secret.py"), std::string::npos);
  EXPECT_EQ(read(dir / "addons/blender_mcp/__init__.py"), "old\n");
  EXPECT_EQ(entries(dir / "addons"), 1u);
}

}  // namespace
}  // namespace bmcp::host
