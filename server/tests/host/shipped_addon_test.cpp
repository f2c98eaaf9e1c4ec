#include "host/shipped_addon.hpp"

#include <gtest/gtest.h>

#include "temp_tree.hpp"

namespace bmcp::host {
namespace {

TEST(ShippedAddon, AnInstalledServerUsesTheShareDirectoryBesideItsBin) {
  testing::TempDir dir;
  std::filesystem::create_directories(dir / "share/blender-mcp/addon/blender_mcp");
  EXPECT_EQ(resolve_shipped_addon_dir(dir / "bin/blender-mcp", "/src/addon/blender_mcp"),
            dir / "share/blender-mcp/addon/blender_mcp");
}

TEST(ShippedAddon, WithoutAShareDirectoryTheSourceTreeCopyIsUsed) {
  testing::TempDir dir;
  EXPECT_EQ(resolve_shipped_addon_dir(dir / "bin/blender-mcp", "/src/addon/blender_mcp"),
            std::filesystem::path("/src/addon/blender_mcp"));
  EXPECT_EQ(resolve_shipped_addon_dir({}, "/src/addon/blender_mcp"),
            std::filesystem::path("/src/addon/blender_mcp"));
}

TEST(ShippedAddon, TheSourceTreeCopyIsTheRepositorysAddonPackage) {
  const auto dir = source_tree_addon_dir();
  EXPECT_EQ(dir.filename(), "blender_mcp");
  EXPECT_EQ(dir.parent_path().filename(), "addon");
  // This test binary is not installed, so the shipped copy is the source tree's.
  EXPECT_EQ(shipped_addon_dir(), dir);
}

}  // namespace
}  // namespace bmcp::host
