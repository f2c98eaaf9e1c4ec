#include "host/blender_probe.hpp"

#include <gtest/gtest.h>

#include <algorithm>

#include "temp_tree.hpp"

namespace bmcp::host {
namespace {

using namespace std::chrono_literals;
using testing::TempDir;
using testing::write_fake_blender;
using testing::write_script;

TEST(BlenderProbe, TheVersionComesFromTheFirstLineOfDashDashVersion) {
  TempDir dir;
  write_fake_blender(dir / "blender", "3.4.1");
  EXPECT_EQ(probe_blender_version((dir / "blender").string(), 10s), "3.4.1");
}

TEST(BlenderProbe, NoVersionWhenTheProgramFailsOrHangs) {
  TempDir dir;
  write_script(dir / "other", "echo 'Python 3.11'");
  write_script(dir / "hangs", "sleep 30");
  EXPECT_EQ(probe_blender_version((dir / "other").string(), 10s), std::nullopt);
  EXPECT_EQ(probe_blender_version((dir / "hangs").string(), 200ms), std::nullopt);
  EXPECT_EQ(probe_blender_version((dir / "missing").string(), 1s), std::nullopt);
}

TEST(BlenderProbe, TheExpressionAsksThePreferencesAndPrintsTheMarker) {
  const auto expression = addon_enabled_expression();
  EXPECT_NE(expression.find("bpy.context.preferences.addons"), std::string::npos);
  EXPECT_NE(expression.find("'blender_mcp'"), std::string::npos);
  EXPECT_NE(expression.find(kAddonEnabledMarker), std::string::npos);
}

TEST(BlenderProbe, TheAnswerIsTheMarkerLine) {
  EXPECT_EQ(parse_addon_enabled("Read prefs\nBLENDER_MCP_ADDON_ENABLED=True\n\nBlender quit\n"),
            true);
  EXPECT_EQ(parse_addon_enabled("BLENDER_MCP_ADDON_ENABLED=False\r\n"), false);
  EXPECT_EQ(parse_addon_enabled("BLENDER_MCP_ADDON_ENABLED=maybe\n"), std::nullopt);
  EXPECT_EQ(parse_addon_enabled("Error: Python: Traceback\n"), std::nullopt);
}

TEST(BlenderProbe, AddonEnabledRunsBlenderInBackgroundWithTheExpression) {
  TempDir dir;
  // Answers True only for exactly: -b --python-expr <expression>, with no --factory-startup.
  write_script(dir / "blender",
               "if [ \"$1\" = -b ] && [ \"$2\" = --python-expr ] && [ $# -eq 3 ]; then\n"
               "  case \"$3\" in *preferences.addons*) echo BLENDER_MCP_ADDON_ENABLED=True;; esac\n"
               "fi");
  EXPECT_EQ(probe_addon_enabled((dir / "blender").string(), 10s), true);
}

TEST(BlenderProbe, AddonEnabledIsUnknownOnAnyFailure) {
  TempDir dir;
  write_fake_blender(dir / "blender");
  write_script(dir / "hangs", "sleep 30");
  EXPECT_EQ(probe_addon_enabled((dir / "blender").string(), 10s), std::nullopt);
  EXPECT_EQ(probe_addon_enabled((dir / "hangs").string(), 200ms), std::nullopt);
  EXPECT_EQ(probe_addon_enabled((dir / "missing").string(), 1s), std::nullopt);
}

TEST(BlenderProbe, TheServersSecretsAreWithheldFromBlender) {
  TempDir dir;
  ::setenv("ADMIN_PASSWORD", "admin-secret", 1);
  ::setenv("OAUTH_SECRET_KEY", "signing-secret", 1);
  write_script(dir / "blender", "echo \"Blender ${ADMIN_PASSWORD}${OAUTH_SECRET_KEY}3.4.1\"");
  const auto version = probe_blender_version((dir / "blender").string(), 10s);
  ::unsetenv("ADMIN_PASSWORD");
  ::unsetenv("OAUTH_SECRET_KEY");
  EXPECT_EQ(version, "3.4.1");
  const auto names = withheld_from_blender();
  for (std::string_view name : {"OAUTH_SECRET_KEY", "JWT_SECRET", "ADMIN_PASSWORD", "DEMO_PASSWORD",
                                "BLENDER_MCP_PASSWORD", "BLENDER_MCP_TOKEN"})
    EXPECT_NE(std::find(names.begin(), names.end(), name), names.end()) << name;
}

}  // namespace
}  // namespace bmcp::host
