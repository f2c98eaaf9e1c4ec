#include "tools/diagnostics_checks.hpp"

#include <gtest/gtest.h>

#include <fstream>
#include <iterator>
#include <map>

#include "../host/temp_tree.hpp"

namespace bmcp::tools {
namespace {

namespace fs = std::filesystem;
using host::testing::TempDir;
using host::testing::write_fake_blender;
using host::testing::write_file;
using host::testing::write_script;

constexpr auto kAny = BlenderChoice::kAnyExecutable;
constexpr auto kDiscovered = BlenderChoice::kDiscoveredOnly;
constexpr std::string_view kInstallBlender =
    "Install Blender 3.0+ from https://www.blender.org/download/";

// A machine with nothing installed: its own filesystem root, HOME and PATH, and an empty /proc.
struct FakeMachine {
  TempDir dir;
  std::map<std::string, std::string> env{{"HOME", (dir / "home").string()},
                                         {"PATH", (dir / "bin").string()}};

  FakeMachine() {
    fs::create_directories(dir / "root");
    fs::create_directories(dir / "home");
    fs::create_directories(dir / "proc");
  }
  DiagnosticsHost host() const {
    DiagnosticsHost host;
    host.env = [env = env](const char* name) -> std::optional<std::string> {
      const auto found = env.find(name);
      return found == env.end() ? std::nullopt : std::optional<std::string>(found->second);
    };
    host.search = {host::HostOs::kLinux, dir / "root"};
    host.proc_root = dir / "proc";
    host.addon_source_dir = dir / "no-shipped-addon";
    host.version_limit = std::chrono::seconds(10);
    host.addon_enabled_limit = std::chrono::seconds(10);
    return host;
  }
  // A blender on PATH that prints its version and answers the add-on question with `enabled`
  // (True, False, or anything else for no answer).
  fs::path install_blender(const std::string& enabled = "True") {
    const auto path = dir / "bin/blender";
    write_script(path,
                 "if [ \"$1\" = --version ]; then echo 'Blender 3.4.1'; exit 0; fi\n"
                 "if [ \"$1\" = -b ]; then echo 'BLENDER_MCP_ADDON_ENABLED=" +
                     enabled + "'; fi");
    return path;
  }
  fs::path addons() const { return dir / "home/.config/blender/3.4/scripts/addons"; }
  void install_addon_files() { write_file(addons() / "blender_mcp/__init__.py", "bl_info = {}\n"); }
  fs::path write_addon_source(const std::string& marker) {
    const auto source = dir / "src/blender_mcp";
    write_file(source / "__init__.py", "# " + marker + "\n");
    write_file(source / "mcp_client.py", "pass\n");
    return source;
  }
};

std::string read(const fs::path& path) {
  std::ifstream in(path);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

TEST(DiagnosticsChecks, FindBlenderReportsThePathFound) {
  FakeMachine m;
  const auto blender = m.install_blender();
  EXPECT_EQ(find_blender_result(m.host()),
            (json::object{{"status", "ok"}, {"found", true}, {"path", blender.string()}}));
}

TEST(DiagnosticsChecks, FindBlenderNotFoundListsTheSearchAndTheHint) {
  FakeMachine m;
  const auto result = find_blender_result(m.host());
  EXPECT_EQ(result.at("found"), false);
  EXPECT_EQ(result.at("hint"), json::value(kInstallBlender));
  const auto& searched = result.at("searched").as_array();
  ASSERT_GE(searched.size(), 4u);
  EXPECT_EQ(searched[0], json::value((m.dir / "bin/blender").string()));
  EXPECT_EQ(searched[1], json::value((m.dir / "root/usr/bin/blender").string()));
}

TEST(DiagnosticsChecks, CheckStatusWithoutBlenderSaysToInstallIt) {
  FakeMachine m;
  const auto result = check_status(m.host());
  EXPECT_EQ(result.at("status"), "ok");
  EXPECT_EQ(result.at("diagnosis"), (json::object{{"blender_installed", false},
                                                  {"blender_path", nullptr},
                                                  {"blender_version", nullptr},
                                                  {"addon_installed", false},
                                                  {"addon_enabled", nullptr},
                                                  {"running_instances", json::array()}}));
  EXPECT_NE(result.at("instructions").as_string().find("Install Blender"), std::string::npos);
}

TEST(DiagnosticsChecks, CheckStatusWithBlenderButNoAddonSaysToInstallTheAddon) {
  FakeMachine m;
  const auto blender = m.install_blender("True");
  const auto result = check_status(m.host());
  const auto& diagnosis = result.at("diagnosis").as_object();
  EXPECT_EQ(diagnosis.at("blender_installed"), true);
  EXPECT_EQ(diagnosis.at("blender_path"), json::value(blender.string()));
  EXPECT_EQ(diagnosis.at("blender_version"), "3.4.1");
  EXPECT_EQ(diagnosis.at("addon_installed"), false);
  EXPECT_EQ(diagnosis.at("addon_enabled"), false);
  EXPECT_NE(result.at("instructions").as_string().find("blender_install_addon"), std::string::npos);
}

TEST(DiagnosticsChecks, CheckStatusAsksBlenderWhetherAnInstalledAddonIsEnabled) {
  FakeMachine m;
  m.install_blender("False");
  m.install_addon_files();
  auto result = check_status(m.host());
  EXPECT_EQ(result.at("diagnosis").at("addon_installed"), true);
  EXPECT_EQ(result.at("diagnosis").at("addon_enabled"), false);
  EXPECT_NE(result.at("instructions").as_string().find("Edit › Preferences › Add-ons"),
            std::string::npos);

  m.install_blender("True");
  result = check_status(m.host());
  EXPECT_EQ(result.at("diagnosis").at("addon_enabled"), true);
  EXPECT_NE(result.at("instructions").as_string().find("Login then Connect"), std::string::npos);
}

TEST(DiagnosticsChecks, AnUnanswerableAddonQuestionIsNull) {
  FakeMachine m;
  m.install_blender("garbled");
  m.install_addon_files();
  EXPECT_TRUE(check_status(m.host()).at("diagnosis").at("addon_enabled").is_null());
}

TEST(DiagnosticsChecks, CheckStatusListsTheRunningInstances) {
  FakeMachine m;
  write_file(m.dir / "proc/stat", "btime 1700000000\n");
  std::string stat = "77 (blender) S";
  for (int field = 4; field <= 22; ++field)
    stat += " 0";
  write_file(m.dir / "proc/77/stat", stat + "\n");
  write_file(m.dir / "proc/77/cmdline", std::string("blender\0-b\0--password\0s3cret\0", 30));
  const auto result = check_status(m.host());
  const auto& running = result.at("diagnosis").at("running_instances").as_array();
  ASSERT_EQ(running.size(), 1u);
  // No exe link in this tree: the executable is the command name, and `command` repeats it
  // without the arguments.
  EXPECT_EQ(running[0], (json::object{{"pid", 77},
                                      {"executable", "blender"},
                                      {"is_gui", false},
                                      {"command", "blender"},
                                      {"started_at", 1700000000.0}}));
  EXPECT_EQ(to_json_text(result).find("s3cret"), std::string::npos);
  EXPECT_EQ(list_running_result(m.host()),
            (json::object{{"status", "ok"}, {"running", running}, {"count", 1}, {"gui_count", 0}}));
}

TEST(DiagnosticsChecks, CheckAddonInstalledLooksInTheVersionsAddonsDirectory) {
  FakeMachine m;
  const auto blender = m.install_blender();
  const auto init = (m.addons() / "blender_mcp/__init__.py").string();
  EXPECT_EQ(check_addon_installed(m.host(), std::nullopt, kAny),
            (json::object{{"status", "ok"},
                          {"installed", false},
                          {"blender_path", blender.string()},
                          {"detail", "Not found: " + init + "; run blender_install_addon."}}));
  m.install_addon_files();
  EXPECT_EQ(check_addon_installed(m.host(), blender.string(), kAny).at("installed"), true);
}

TEST(DiagnosticsChecks, CheckAddonInstalledWithAMissingBlenderIsBlenderNotFound) {
  FakeMachine m;
  const json::object not_found{
      {"status", "error"}, {"error", "blender_not_found"}, {"hint", kInstallBlender}};
  EXPECT_EQ(check_addon_installed(m.host(), std::nullopt, kAny), not_found);
  m.install_blender();
  EXPECT_EQ(check_addon_installed(m.host(), (m.dir / "nowhere/blender").string(), kAny), not_found);
}

TEST(DiagnosticsChecks, AnyExecutableRunsTheCallersPath) {
  FakeMachine m;
  m.install_blender();
  const auto other = m.dir / "elsewhere/blender";
  write_script(other, ": > '" + (m.dir / "ran").string() + "'; echo 'Blender 3.4.1'");
  EXPECT_EQ(check_addon_installed(m.host(), other.string(), kAny).at("blender_path"),
            json::value(other.string()));
  EXPECT_TRUE(fs::exists(m.dir / "ran"));
}

// Under kDiscoveredOnly, any path other than the discovered one is refused, the same way
// whether or not it exists, and is never run.
TEST(DiagnosticsChecks, DiscoveredOnlyRefusesAnyOtherPathAndRunsNothing) {
  FakeMachine m;
  const auto blender = m.install_blender();
  const auto marker = m.dir / "ran";
  const auto other = m.dir / "elsewhere/blender";
  write_script(other, ": > '" + marker.string() + "'; echo 'Blender 3.4.1'");
  const auto refused = check_addon_installed(m.host(), other.string(), kDiscovered);
  EXPECT_EQ(refused.at("status"), "error");
  EXPECT_EQ(refused.at("error"), "blender_path_not_allowed");
  const auto& detail = refused.at("detail").as_string();
  EXPECT_NE(detail.find("the one it found is " + blender.string()), std::string::npos) << detail;
  EXPECT_NE(detail.find("Nothing was run."), std::string::npos) << detail;
  EXPECT_EQ(detail.find(other.string()), std::string::npos) << detail;
  EXPECT_EQ(install_addon(m.host(), other.string(), kDiscovered), refused);
  EXPECT_EQ(check_addon_installed(m.host(), (m.dir / "missing").string(), kDiscovered), refused);
  EXPECT_EQ(check_addon_installed(m.host(), "/bin/sh", kDiscovered), refused);
  EXPECT_FALSE(fs::exists(marker));
  EXPECT_FALSE(fs::exists(m.addons()));
}

TEST(DiagnosticsChecks, DiscoveredOnlyTakesNullEmptyOrExactlyTheDiscoveredPath) {
  FakeMachine m;
  const auto blender = m.install_blender();
  for (const std::optional<std::string>& path :
       {std::optional<std::string>(), std::optional<std::string>(""),
        std::optional<std::string>(blender.string())}) {
    const auto result = check_addon_installed(m.host(), path, kDiscovered);
    EXPECT_EQ(result.at("status"), "ok") << to_json_text(result);
    EXPECT_EQ(result.at("blender_path"), json::value(blender.string()));
  }
  EXPECT_EQ(install_addon(m.host(), blender.string(), kDiscovered).at("error"), "install_failed")
      << "it got past the path check to the (missing) add-on package";
}

TEST(DiagnosticsChecks, DiscoveredOnlyWithNoBlenderRefusesAGivenPath) {
  FakeMachine m;
  const auto other = m.dir / "elsewhere/blender";
  write_script(other, "echo 'Blender 3.4.1'");
  const auto refused = install_addon(m.host(), other.string(), kDiscovered);
  EXPECT_EQ(refused.at("error"), "blender_path_not_allowed");
  EXPECT_NE(refused.at("detail").as_string().find("it found none"), std::string::npos);
  EXPECT_EQ(check_addon_installed(m.host(), std::nullopt, kDiscovered).at("error"),
            "blender_not_found");
}

TEST(DiagnosticsChecks, AnUnreadableVersionLeavesTheAddonDirectoryUnknown) {
  FakeMachine m;
  write_script(m.dir / "bin/blender", "echo 'not blender'");
  const auto result = check_addon_installed(m.host(), std::nullopt, kAny);
  EXPECT_EQ(result.at("installed"), false);
  EXPECT_NE(result.at("detail").as_string().find("--version"), std::string::npos);
  EXPECT_EQ(install_addon(m.host(), std::nullopt, kAny).at("error"), "install_failed");
}

TEST(DiagnosticsChecks, InstallCopiesTheConfiguredPackageIntoTheAddonsDirectory) {
  FakeMachine m;
  const auto blender = m.install_blender();
  m.env["BLENDER_MCP_ADDON_DIR"] = m.write_addon_source("new").string();
  write_file(m.addons() / "blender_mcp/__init__.py", "# old\n");
  write_file(m.addons() / "blender_mcp/stale.py", "pass\n");
  const auto result = install_addon(m.host(), std::nullopt, kAny);
  EXPECT_EQ(result, (json::object{
                        {"status", "ok"},
                        {"installed", true},
                        {"blender_path", blender.string()},
                        {"detail", "Installed to " + (m.dir / "home/.config/blender/3.4").string() +
                                       "/scripts/addons/"}}));
  EXPECT_EQ(read(m.addons() / "blender_mcp/__init__.py"), "# new\n");
  EXPECT_TRUE(fs::exists(m.addons() / "blender_mcp/mcp_client.py"));
  EXPECT_FALSE(fs::exists(m.addons() / "blender_mcp/stale.py"));
  EXPECT_EQ(check_addon_installed(m.host(), std::nullopt, kAny).at("installed"), true);
}

TEST(DiagnosticsChecks, TheAddonDirMayAlsoBeTheDirectoryHoldingThePackage) {
  FakeMachine m;
  m.install_blender();
  m.env["BLENDER_MCP_ADDON_DIR"] = m.write_addon_source("parent").parent_path().string();
  EXPECT_EQ(install_addon(m.host(), std::nullopt, kAny).at("status"), "ok");
  EXPECT_EQ(read(m.addons() / "blender_mcp/__init__.py"), "# parent\n");
}

TEST(DiagnosticsChecks, WithoutTheVariableTheShippedCopyIsInstalled) {
  FakeMachine m;
  m.install_blender();
  auto host = m.host();
  host.addon_source_dir = m.write_addon_source("shipped");
  EXPECT_EQ(install_addon(host, std::nullopt, kAny).at("status"), "ok");
  EXPECT_EQ(read(m.addons() / "blender_mcp/__init__.py"), "# shipped\n");
}

TEST(DiagnosticsChecks, InstallFailsClearlyWithoutAPackageOrWithoutBlender) {
  FakeMachine m;
  EXPECT_EQ(install_addon(m.host(), std::nullopt, kAny),
            (json::object{{"status", "error"},
                          {"error", "blender_not_found"},
                          {"hint",
                           "Install Blender 3.0+ first (https://www.blender.org/download/), then "
                           "re-run install_addon."}}));
  m.install_blender();
  m.env["BLENDER_MCP_ADDON_DIR"] = (m.dir / "empty").string();
  const auto result = install_addon(m.host(), std::nullopt, kAny);
  EXPECT_EQ(result.at("error"), "install_failed");
  EXPECT_NE(result.at("detail").as_string().find((m.dir / "empty").string()), std::string::npos);
  EXPECT_FALSE(fs::exists(m.addons()));
}

TEST(DiagnosticsChecks, TheNextStepFollowsTheFirstMissingPiece) {
  EXPECT_NE(next_step({false, false, std::nullopt, 0}).find("Install Blender"), std::string::npos);
  EXPECT_NE(next_step({true, false, false, 0}).find("blender_install_addon"), std::string::npos);
  EXPECT_NE(next_step({true, true, std::nullopt, 0}).find("Edit › Preferences › Add-ons"),
            std::string::npos);
  EXPECT_NE(next_step({true, true, false, 2}).find("Edit › Preferences › Add-ons"),
            std::string::npos);
  EXPECT_NE(next_step({true, true, true, 0}).find("Start Blender and click Login then Connect"),
            std::string::npos);
  EXPECT_NE(next_step({true, true, true, 1}).find("Login then Connect"), std::string::npos);
}

}  // namespace
}  // namespace bmcp::tools
