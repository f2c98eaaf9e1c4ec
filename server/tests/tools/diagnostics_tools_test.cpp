#include "tools/diagnostics_tools.hpp"

#include <gtest/gtest.h>

#include <map>
#include <optional>

#include "../host/temp_tree.hpp"
#include "../mcp/fake_channel.hpp"
#include "mcp/engine.hpp"

namespace bmcp::tools {
namespace {

namespace fs = std::filesystem;
using host::testing::TempDir;
using host::testing::write_file;
using host::testing::write_script;

constexpr auto kHttp = DiagnosticsAccess::kAdminsWithDiscoveredBlender;
constexpr auto kStdio = DiagnosticsAccess::kMachineOwner;

const std::vector<std::string> kDiagnostics{
    "blender_check_status", "blender_find_blender", "blender_list_running_blender",
    "blender_check_addon_installed", "blender_install_addon"};

// The diagnostics tools behind a real engine, over a fake machine with Blender 3.4 on PATH.
class DiagnosticsToolsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    write_script(dir_ / "bin/blender", "if [ \"$1\" = --version ]; then echo 'Blender 3.4.1'; fi");
    write_file(dir_ / "addon/blender_mcp/__init__.py", "bl_info = {}\n");
    fs::create_directories(dir_ / "proc");
  }

  DiagnosticsOptions options(DiagnosticsAccess access) {
    DiagnosticsOptions options;
    options.access = access;
    options.host.env = [this](const char* name) -> std::optional<std::string> {
      const auto found = env_.find(name);
      return found == env_.end() ? std::nullopt : std::optional<std::string>(found->second);
    };
    options.host.search = {host::HostOs::kLinux, dir_ / "root"};
    options.host.proc_root = dir_ / "proc";
    options.host.addon_source_dir = dir_ / "addon/blender_mcp";
    options.workers = &*pool_;
    return options;
  }

  // The tools/call result, after the worker has answered: the pool's destructor runs every
  // queued task, so no waiting is needed.
  json::object call(const mcp::Registry& registry, const std::string& tool,
                    std::vector<std::string> roles, json::object arguments = {}) {
    mcp::Engine engine(registry, {});
    auto session = std::make_shared<mcp::Session>("s1", "ana", "2025-11-25", clock_,
                                                  mcp::StandaloneStreamLimits{});
    auto channel = std::make_shared<mcp::testing::RecordingChannel>();
    auto ctx = std::make_shared<mcp::RequestContext>(
        session, mcp::Caller{"ana", "ana", std::move(roles), {}}, 1, "tools/call", std::nullopt,
        channel);
    engine.handle_request(ctx, json::object{{"name", tool}, {"arguments", std::move(arguments)}});
    pool_.reset();
    pool_.emplace(1);
    session->end();
    EXPECT_TRUE(channel->response) << tool;
    const auto& result = channel->response->at("result").as_object();
    EXPECT_EQ(result.at("isError"), false);
    return result.at("structuredContent").as_object();
  }

  TempDir dir_;
  std::map<std::string, std::string> env_{{"HOME", (dir_ / "home").string()},
                                          {"PATH", (dir_ / "bin").string()}};
  FakeClock clock_;
  std::optional<ThreadPool> pool_{std::in_place, 1};
};

TEST_F(DiagnosticsToolsTest, RegistersTheFiveToolsInContractOrder) {
  mcp::Registry registry;
  add_diagnostics_tools(registry, options(kHttp));
  std::vector<std::string> names;
  for (const auto& tool : registry.tools())
    names.push_back(tool.name);
  EXPECT_EQ(names, kDiagnostics);
  EXPECT_EQ(registry.tools()[0].input_schema,
            (json::object{{"type", "object"}, {"properties", json::object()}}));
  const auto& path = registry.tools()[4].input_schema.at("properties").at("blender_path");
  EXPECT_EQ(path.at("type"), (json::array{"string", "null"}));
  EXPECT_FALSE(registry.tools()[4].input_schema.contains("required"));
}

TEST_F(DiagnosticsToolsTest, EachToolAnswersFromAWorker) {
  mcp::Registry registry;
  add_diagnostics_tools(registry, options(kHttp));
  const std::vector<std::string> admin{"admin"};
  EXPECT_EQ(call(registry, "blender_find_blender", admin).at("path"),
            json::value((dir_ / "bin/blender").string()));
  EXPECT_EQ(call(registry, "blender_check_status", admin).at("diagnosis").at("blender_version"),
            "3.4.1");
  EXPECT_EQ(call(registry, "blender_list_running_blender", admin).at("count"), 0);
  EXPECT_EQ(call(registry, "blender_check_addon_installed", admin,
                 {{"blender_path", (dir_ / "bin/blender").string()}})
                .at("installed"),
            false);
}

TEST_F(DiagnosticsToolsTest, EveryToolNeedsTheAdminRoleOnTheHttpBuild) {
  mcp::Registry registry;
  add_diagnostics_tools(registry, options(kHttp));
  for (const auto& tool : kDiagnostics) {
    for (const auto& roles : {std::vector<std::string>{}, std::vector<std::string>{"user"}}) {
      EXPECT_EQ(call(registry, tool, roles),
                (json::object{{"status", "error"},
                              {"error", "forbidden"},
                              {"hint", tool + " requires the admin role."}}));
    }
  }
  EXPECT_FALSE(fs::exists(dir_ / "home/.config"));
  EXPECT_EQ(call(registry, "blender_install_addon", {"admin", "user"}).at("installed"), true);
  EXPECT_TRUE(fs::exists(dir_ / "home/.config/blender/3.4/scripts/addons/blender_mcp/__init__.py"));
}

TEST_F(DiagnosticsToolsTest, OnTheHttpBuildABlenderPathOtherThanTheDiscoveredOneIsRefused) {
  write_script(dir_ / "other/blender",
               ": > '" + (dir_ / "ran").string() + "'; echo 'Blender 3.4.1'");
  mcp::Registry registry;
  add_diagnostics_tools(registry, options(kHttp));
  const json::object other{{"blender_path", (dir_ / "other/blender").string()}};
  for (const char* tool : {"blender_check_addon_installed", "blender_install_addon"})
    EXPECT_EQ(call(registry, tool, {"admin"}, other).at("error"), "blender_path_not_allowed");
  EXPECT_FALSE(fs::exists(dir_ / "ran"));
  EXPECT_FALSE(fs::exists(dir_ / "home/.config"));
  // The parameter stays in the schema, for existing clients, and says what it accepts.
  const auto& path = registry.tools()[3].input_schema.at("properties").at("blender_path");
  EXPECT_NE(path.at("description").as_string().find("Only that discovered executable"),
            std::string_view::npos);
}

TEST_F(DiagnosticsToolsTest, TheStdioBuildNeedsNoRoleAndRunsTheGivenBlender) {
  write_script(dir_ / "other/blender",
               ": > '" + (dir_ / "ran").string() + "'; echo 'Blender 3.4.1'");
  mcp::Registry registry;
  add_diagnostics_tools(registry, options(kStdio));
  const auto& path = registry.tools()[3].input_schema.at("properties").at("blender_path");
  EXPECT_EQ(path.at("description").as_string().find("Only that discovered executable"),
            std::string_view::npos);
  for (const auto& tool : kDiagnostics)
    EXPECT_EQ(call(registry, tool, {}).at("status"), "ok") << tool;
  EXPECT_EQ(call(registry, "blender_check_addon_installed", {},
                 {{"blender_path", (dir_ / "other/blender").string()}})
                .at("blender_path"),
            json::value((dir_ / "other/blender").string()));
  EXPECT_TRUE(fs::exists(dir_ / "ran"));
}

TEST_F(DiagnosticsToolsTest, AWorkerPoolIsRequired) {
  mcp::Registry registry;
  auto without = options(kHttp);
  without.workers = nullptr;
  EXPECT_THROW(add_diagnostics_tools(registry, without), std::logic_error);
}

}  // namespace
}  // namespace bmcp::tools
