#include "oauth/scopes.hpp"

#include <gtest/gtest.h>

namespace bmcp::oauth {
namespace {

using Strings = std::vector<std::string>;

TEST(ScopesTest, RequestsAreParsedAndAlwaysIncludeTheToolsScope) {
  EXPECT_EQ(parse_scope(""), (Strings{"blender"}));
  EXPECT_EQ(parse_scope("blender:admin"), (Strings{"blender", "blender:admin"}));
  EXPECT_EQ(parse_scope("blender  blender"), (Strings{"blender"}));
  EXPECT_EQ(parse_scope("blender openid"), std::nullopt);
}

TEST(ScopesTest, OnlyAdminsAreGrantedTheAdminScope) {
  EXPECT_EQ(grantable_scopes({"blender", "blender:admin"}, {"admin", "user"}),
            (Strings{"blender", "blender:admin"}));
  EXPECT_EQ(grantable_scopes({"blender", "blender:admin"}, {"user"}), (Strings{"blender"}));
  EXPECT_EQ(grantable_scopes({"blender"}, {"admin", "user"}), (Strings{"blender"}));
}

TEST(ScopesTest, TheAdminRoleNeedsTheAdminScope) {
  EXPECT_EQ(roles_for_scopes({"admin", "user"}, {"blender"}), (Strings{"user"}));
  EXPECT_EQ(roles_for_scopes({"admin", "user"}, {"blender", "blender:admin"}),
            (Strings{"admin", "user"}));
  EXPECT_EQ(join_scopes({"blender", "blender:admin"}), "blender blender:admin");
}

}  // namespace
}  // namespace bmcp::oauth
