#include "mcp/registry.hpp"

#include <gtest/gtest.h>

namespace bmcp::mcp {
namespace {

TEST(MatchUriTemplate, ExtractsEachVariable) {
  std::map<std::string, std::string> vars;
  EXPECT_TRUE(
      match_uri_template("blender://console/{level}/{page}", "blender://console/error/3", vars));
  EXPECT_EQ(vars["level"], "error");
  EXPECT_EQ(vars["page"], "3");
}

TEST(MatchUriTemplate, VariablesDoNotSpanSlashesOrMatchEmptyText) {
  std::map<std::string, std::string> vars;
  EXPECT_FALSE(match_uri_template("blender://console/{level}", "blender://console/error/3", vars));
  EXPECT_FALSE(match_uri_template("blender://console/{level}", "blender://console/", vars));
  EXPECT_TRUE(match_uri_template("test://template/{id}/data", "test://template/123/data", vars));
  EXPECT_EQ(vars["id"], "123");
}

TEST(Registry, KeepsRegistrationOrderAndRefusesDuplicates) {
  Registry registry;
  registry.add_tool(Tool{"b", "", {}, std::nullopt, nullptr});
  registry.add_tool(Tool{"a", "", {}, std::nullopt, nullptr});
  EXPECT_EQ(registry.tools()[0].name, "b");
  EXPECT_NE(registry.find_tool("a"), nullptr);
  EXPECT_THROW(registry.add_tool(Tool{"a", "", {}, std::nullopt, nullptr}), std::logic_error);
}

TEST(Registry, MatchesTheFirstFittingTemplate) {
  Registry registry;
  registry.add_resource_template(ResourceTemplate{"x://{a}", "one", "", "", nullptr});
  registry.add_resource_template(ResourceTemplate{"x://{a}/{b}", "two", "", "", nullptr});
  std::map<std::string, std::string> vars;
  const auto* match = registry.match_template("x://p/q", vars);
  ASSERT_NE(match, nullptr);
  EXPECT_EQ(match->name, "two");
  EXPECT_EQ(registry.match_template("y://p", vars), nullptr);
}

}  // namespace
}  // namespace bmcp::mcp
