#include "host/blender_discovery.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <map>

#include "temp_tree.hpp"

namespace bmcp::host {
namespace {

using testing::TempDir;
using testing::write_fake_blender;
using testing::write_file;

EnvLookup env_of(std::map<std::string, std::string> values) {
  return [values = std::move(values)](const char* name) -> std::optional<std::string> {
    const auto found = values.find(name);
    if (found == values.end())
      return std::nullopt;
    return found->second;
  };
}

// A fake filesystem root with an empty home directory; nothing is installed.
struct Machine {
  TempDir dir;
  std::filesystem::path root = dir / "root";
  std::filesystem::path home = dir / "home";
  Machine() {
    std::filesystem::create_directories(root);
    std::filesystem::create_directories(home);
  }
  BlenderSearch search() const { return {HostOs::kLinux, root}; }
};

TEST(BlenderDiscovery, TheConfiguredPathComesFirst) {
  Machine m;
  write_fake_blender(m.dir / "custom/blender-3.4");
  write_fake_blender(m.dir / "bin/blender");
  write_fake_blender(m.root / "usr/bin/blender");
  const auto found =
      find_blender(env_of({{"BLENDER_MCP_BLENDER_PATH", (m.dir / "custom/blender-3.4").string()},
                           {"PATH", (m.dir / "bin").string()},
                           {"HOME", m.home.string()}}),
                   m.search());
  EXPECT_EQ(found.path, (m.dir / "custom/blender-3.4").string());
  EXPECT_EQ(found.searched.size(), 1u);
}

TEST(BlenderDiscovery, AConfiguredDirectoryMeansTheBlenderInIt) {
  Machine m;
  write_fake_blender(m.dir / "custom/blender");
  const auto found =
      find_blender(env_of({{"BLENDER_MCP_BLENDER_PATH", (m.dir / "custom").string()}}), m.search());
  EXPECT_EQ(found.path, (m.dir / "custom/blender").string());
}

TEST(BlenderDiscovery, PathDirectoriesComeBeforeTheOsLocationsInTheirOrder) {
  Machine m;
  write_fake_blender(m.dir / "second/blender");
  write_fake_blender(m.root / "usr/bin/blender");
  const auto path = (m.dir / "first").string() + "::" + (m.dir / "second").string();
  const auto found = find_blender(
      env_of({{"BLENDER_MCP_BLENDER_PATH", (m.dir / "missing").string()}, {"PATH", path}}),
      m.search());
  EXPECT_EQ(found.path, (m.dir / "second/blender").string());
  EXPECT_EQ(found.searched, (std::vector<std::string>{(m.dir / "missing").string(),
                                                      (m.dir / "first/blender").string(),
                                                      (m.dir / "second/blender").string()}));
}

TEST(BlenderDiscovery, ANonExecutableFileIsNotBlender) {
  Machine m;
  write_file(m.dir / "bin/blender", "not a program");
  write_fake_blender(m.root / "usr/local/bin/blender");
  const auto found = find_blender(env_of({{"PATH", (m.dir / "bin").string()}}), m.search());
  EXPECT_EQ(found.path, (m.root / "usr/local/bin/blender").string());
}

TEST(BlenderDiscovery, OptAndHomeDirectoriesAreGlobbedNewestNameFirst) {
  Machine m;
  write_fake_blender(m.home / "blender-3.6.0-linux-x64/blender");
  write_fake_blender(m.home / "blender-4.1.0-linux-x64/blender");
  const auto found = find_blender(env_of({{"HOME", m.home.string()}}), m.search());
  EXPECT_EQ(found.path, (m.home / "blender-4.1.0-linux-x64/blender").string());

  write_fake_blender(m.root / "opt/blender-3.4/blender");
  EXPECT_EQ(find_blender(env_of({{"HOME", m.home.string()}}), m.search()).path,
            (m.root / "opt/blender-3.4/blender").string());
}

TEST(BlenderDiscovery, NotFoundListsEveryPathTriedInOrder) {
  Machine m;
  std::filesystem::create_directories(m.root / "opt/blender-2.93");
  std::filesystem::create_directories(m.home / "blender-old");
  std::filesystem::create_directories(m.home / "other");
  const auto found = find_blender(
      env_of({{"PATH", (m.dir / "bin").string()}, {"HOME", m.home.string()}}), m.search());
  EXPECT_FALSE(found.path);
  EXPECT_EQ(found.searched, (std::vector<std::string>{
                                (m.dir / "bin/blender").string(),
                                (m.root / "usr/bin/blender").string(),
                                (m.root / "usr/local/bin/blender").string(),
                                (m.root / "snap/bin/blender").string(),
                                (m.root / "opt/blender-2.93/blender").string(),
                                (m.home / "blender-old/blender").string(),
                            }));
}

TEST(BlenderDiscovery, ARepeatedCandidateIsTriedOnce) {
  Machine m;
  const auto bin = (m.root / "usr/bin").string();
  const auto found = find_blender(env_of({{"PATH", bin + ":" + bin + "/"}}), m.search());
  EXPECT_EQ(std::count(found.searched.begin(), found.searched.end(),
                       (m.root / "usr/bin/blender").string()),
            1);
}

TEST(BlenderDiscovery, MacOsLooksInTheApplicationBundles) {
  Machine m;
  const auto locations =
      os_blender_locations(env_of({{"HOME", m.home.string()}}), {HostOs::kMacOs, m.root});
  EXPECT_EQ(locations, (std::vector<std::filesystem::path>{
                           m.root / "Applications/Blender.app/Contents/MacOS/Blender",
                           m.home / "Applications/Blender.app/Contents/MacOS/Blender"}));
  EXPECT_EQ(blender_executable_name(HostOs::kMacOs), "Blender");
}

TEST(BlenderDiscovery, WindowsLooksUnderProgramFilesBlenderFoundation) {
  Machine m;
  std::filesystem::create_directories(m.dir / "pf/Blender Foundation/Blender 3.6");
  std::filesystem::create_directories(m.dir / "pf/Blender Foundation/Blender 4.2");
  std::filesystem::create_directories(m.dir / "pf/Blender Foundation/Other");
  const auto locations = os_blender_locations(env_of({{"ProgramFiles", (m.dir / "pf").string()}}),
                                              {HostOs::kWindows, m.root});
  EXPECT_EQ(locations, (std::vector<std::filesystem::path>{
                           m.dir / "pf/Blender Foundation/Blender 4.2/blender.exe",
                           m.dir / "pf/Blender Foundation/Blender 3.6/blender.exe"}));
}

TEST(BlenderDiscovery, TheRealMachineSearchStartsWithThePathEntries) {
  const auto found = find_blender(env_of({{"PATH", "/nonexistent-bmcp"}}));
  ASSERT_FALSE(found.searched.empty());
  EXPECT_EQ(found.searched.front(), "/nonexistent-bmcp/blender");
}

}  // namespace
}  // namespace bmcp::host
