#include "console/assets.hpp"

#include <gtest/gtest.h>

namespace bmcp::console {
namespace {

TEST(ConsoleAssets, ThePageStyleAndScriptAreBuiltIn) {
  const auto page = find_asset("index.html");
  ASSERT_TRUE(page);
  EXPECT_EQ(page->content_type, "text/html; charset=utf-8");
  EXPECT_NE(page->bytes.find("<script src=\"/console/console.js\" defer></script>"),
            std::string_view::npos);
  EXPECT_EQ(find_asset("console.js")->content_type, "text/javascript; charset=utf-8");
  EXPECT_EQ(find_asset("console.css")->content_type, "text/css; charset=utf-8");
}

TEST(ConsoleAssets, OnlyNamesOfAssetsAreFound) {
  EXPECT_FALSE(find_asset(""));
  EXPECT_FALSE(find_asset("../console.js"));
  EXPECT_FALSE(find_asset("assets/console.js"));
  EXPECT_FALSE(find_asset("CMakeLists.txt"));
}

TEST(ConsoleAssets, TheScriptNeverParsesHtml) {
  const auto script = find_asset("console.js")->bytes;
  EXPECT_EQ(script.find("innerHTML"), std::string_view::npos);
  EXPECT_EQ(script.find("outerHTML"), std::string_view::npos);
  EXPECT_EQ(script.find("insertAdjacentHTML"), std::string_view::npos);
  EXPECT_EQ(script.find("document.write"), std::string_view::npos);
  EXPECT_EQ(script.find("eval("), std::string_view::npos);
}

TEST(ConsoleAssets, AnAssetReplyCarriesThePolicyAndTheBytes) {
  const auto reply = asset_reply(*find_asset("console.css"));
  EXPECT_EQ(reply.status, 200);
  EXPECT_EQ(reply.body, find_asset("console.css")->bytes);
  bool has_policy = false;
  for (const auto& [name, value] : reply.headers)
    has_policy = has_policy || name == "Content-Security-Policy";
  EXPECT_TRUE(has_policy);
}

}  // namespace
}  // namespace bmcp::console
