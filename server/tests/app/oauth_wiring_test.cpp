#include "app/oauth_wiring.hpp"

#include <gtest/gtest.h>

namespace bmcp::app {
namespace {

TEST(OAuthWiringTest, TheDiagnosticsToolsNeedTheAdminScope) {
  for (const char* tool : {"blender_install_addon", "blender_check_status", "blender_find_blender",
                           "blender_list_running_blender", "blender_check_addon_installed"}) {
    EXPECT_TRUE(needs_admin_scope(tool)) << tool;
  }
  for (const char* tool : {"blender_list_clients", "blender_execute_code", "test_simple_text"})
    EXPECT_FALSE(needs_admin_scope(tool)) << tool;
}

TEST(OAuthWiringTest, ThePublicOriginIsAnAllowedOriginUnlessEveryOriginIs) {
  ServerConfig config;
  config.allowed_origins = {"https://app.example"};
  EXPECT_EQ(allowed_origins(config), config.allowed_origins);
  config.public_url = "https://blender.example.com";
  EXPECT_EQ(allowed_origins(config),
            (std::vector<std::string>{"https://app.example", "https://blender.example.com"}));
  config.allowed_origins = {"*"};
  EXPECT_EQ(allowed_origins(config), std::vector<std::string>{"*"});
}

}  // namespace
}  // namespace bmcp::app
