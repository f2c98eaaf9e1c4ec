#include "bridge/list_merge.hpp"

#include <gtest/gtest.h>

namespace bmcp::bridge {
namespace {

json::object entry(std::string_view name, std::string_view side) {
  return json::object{{"name", name}, {"side", side}};
}

TEST(MergeByNameTest, RemoteOrderWithLocalEntriesInPlaceAndLocalExtrasLast) {
  const json::array local{entry("diag", "local"), entry("recipe", "local"),
                          entry("only_local", "local")};
  const json::array remote{entry("diag", "remote"), entry("bus", "remote"),
                           entry("recipe", "remote")};
  const auto merged = merge_by_name(local, remote);
  ASSERT_EQ(merged.size(), 4u);
  EXPECT_EQ(merged[0], entry("diag", "local"));
  EXPECT_EQ(merged[1], entry("bus", "remote"));
  EXPECT_EQ(merged[2], entry("recipe", "local"));
  EXPECT_EQ(merged[3], entry("only_local", "local"));
}

TEST(MergeByNameTest, AnEmptyRemoteListGivesTheLocalOneAndDuplicatesAppearOnce) {
  const json::array local{entry("a", "local")};
  EXPECT_EQ(merge_by_name(local, json::array{}), local);
  const json::array remote{entry("b", "remote"), entry("b", "remote")};
  EXPECT_EQ(merge_by_name(json::array{}, remote).size(), 1u);
}

}  // namespace
}  // namespace bmcp::bridge
