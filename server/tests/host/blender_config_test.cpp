#include "host/blender_config.hpp"

#include <gtest/gtest.h>

#include "temp_tree.hpp"

namespace bmcp::host {
namespace {

EnvLookup only(std::string name, std::string value) {
  return [name, value](const char* asked) -> std::optional<std::string> {
    if (name == asked)
      return value;
    return std::nullopt;
  };
}

TEST(BlenderConfig, TheVersionIsTheDottedNumberOnTheFirstLine) {
  EXPECT_EQ(parse_blender_version("Blender 3.4.1\n\tbuild date: 2023-01-23\n"), "3.4.1");
  EXPECT_EQ(parse_blender_version("Blender 4.2.0 Alpha\n"), "4.2.0");
  EXPECT_EQ(parse_blender_version("Blender 2.93\r\n"), "2.93");
  EXPECT_EQ(parse_blender_version("Blender 3.6.5 (hash 8bda729ef4dc built 2023-10-16)"), "3.6.5");
}

TEST(BlenderConfig, AnythingElseOnTheFirstLineIsNoVersion) {
  EXPECT_EQ(parse_blender_version(""), std::nullopt);
  EXPECT_EQ(parse_blender_version("Read prefs: x\nBlender 3.4.1\n"), std::nullopt);
  EXPECT_EQ(parse_blender_version("Blender three\n"), std::nullopt);
  EXPECT_EQ(parse_blender_version("Blender 3\n"), std::nullopt);
  EXPECT_EQ(parse_blender_version("blender 3.4.1\n"), std::nullopt);
}

TEST(BlenderConfig, MajorMinorDropsThePatchNumber) {
  EXPECT_EQ(major_minor("3.4.1"), "3.4");
  EXPECT_EQ(major_minor("4.2"), "4.2");
  EXPECT_EQ(major_minor("4"), std::nullopt);
  EXPECT_EQ(major_minor("4."), std::nullopt);
}

TEST(BlenderConfig, TheConfigDirectoryFollowsEachOsConvention) {
  EXPECT_EQ(blender_config_dir(HostOs::kLinux, only("HOME", "/home/ana"), "3.4"),
            std::filesystem::path("/home/ana/.config/blender/3.4"));
  EXPECT_EQ(blender_config_dir(HostOs::kMacOs, only("HOME", "/Users/ana"), "4.2"),
            std::filesystem::path("/Users/ana/Library/Application Support/Blender/4.2"));
  EXPECT_EQ(
      blender_config_dir(HostOs::kWindows, only("APPDATA", "C:/Users/ana/AppData/Roaming"), "4.2"),
      std::filesystem::path("C:/Users/ana/AppData/Roaming/Blender Foundation/Blender/4.2"));
  EXPECT_EQ(blender_config_dir(HostOs::kLinux, only("APPDATA", "x"), "3.4"), std::nullopt);
  EXPECT_EQ(addons_dir("/home/ana/.config/blender/3.4"),
            std::filesystem::path("/home/ana/.config/blender/3.4/scripts/addons"));
}

TEST(BlenderConfig, InstalledMeansThePackageInitFileExists) {
  testing::TempDir dir;
  const auto addons = dir / "scripts/addons";
  EXPECT_FALSE(addon_installed(addons));
  std::filesystem::create_directories(addons / "blender_mcp");
  EXPECT_FALSE(addon_installed(addons));
  testing::write_file(addons / "blender_mcp/__init__.py", "bl_info = {}\n");
  EXPECT_TRUE(addon_installed(addons));
  EXPECT_EQ(addon_init_file(addons), addons / "blender_mcp/__init__.py");
}

}  // namespace
}  // namespace bmcp::host
