#include "metrics/bounded_label.hpp"

#include <gtest/gtest.h>

#include <stdexcept>

namespace bmcp::metrics {
namespace {

TEST(BoundedLabel, KnownValuesKeepTheirIndexAndUnknownOnesAreOther) {
  const BoundedLabel label("client_type", {"llm", "blender"});
  ASSERT_EQ(label.size(), 3u);
  EXPECT_EQ(label.value_at(label.index_of("blender")), "blender");
  EXPECT_EQ(label.value_at(label.index_of("llm")), "llm");
  EXPECT_EQ(label.index_of("user-42"), 2u);
  EXPECT_EQ(label.index_of(""), 2u);
  EXPECT_EQ(label.value_at(2), "other");
}

TEST(BoundedLabel, ValuesAreListedInSortedOrderThenOther) {
  const BoundedLabel label("state", {"online", "offline"}, "unknown");
  EXPECT_EQ(label.value_at(0), "offline");
  EXPECT_EQ(label.value_at(1), "online");
  EXPECT_EQ(label.value_at(2), "unknown");
}

TEST(BoundedLabel, RefusesBadNamesRepeatsAndTheCatchAllAsAValue) {
  EXPECT_THROW(BoundedLabel("1x", {}), std::invalid_argument);
  EXPECT_THROW(BoundedLabel("__name", {}), std::invalid_argument);
  EXPECT_THROW(BoundedLabel("a-b", {}), std::invalid_argument);
  EXPECT_THROW(BoundedLabel("x", {"a", "a"}), std::invalid_argument);
  EXPECT_THROW(BoundedLabel("x", {"other"}), std::invalid_argument);
}

TEST(MetricNames, FollowThePrometheusSyntax) {
  EXPECT_TRUE(is_valid_metric_name("blender_mcp_sessions"));
  EXPECT_TRUE(is_valid_metric_name("a:b_c9"));
  EXPECT_TRUE(is_valid_metric_name("_x"));
  EXPECT_FALSE(is_valid_metric_name(""));
  EXPECT_FALSE(is_valid_metric_name("9lives"));
  EXPECT_FALSE(is_valid_metric_name("a-b"));
  EXPECT_FALSE(is_valid_metric_name("a b"));
  EXPECT_TRUE(is_valid_label_name("le"));
  EXPECT_FALSE(is_valid_label_name("a:b"));
  EXPECT_FALSE(is_valid_label_name(""));
}

}  // namespace
}  // namespace bmcp::metrics
