#include "core/logging.hpp"

#include <gtest/gtest.h>

namespace bmcp {
namespace {

TEST(ParseLogFormat, KnowsTextAndJsonOnly) {
  EXPECT_EQ(parse_log_format("text"), LogFormat::kText);
  EXPECT_EQ(parse_log_format("json"), LogFormat::kJson);
  EXPECT_EQ(parse_log_format("JSON"), std::nullopt);
  EXPECT_EQ(parse_log_format(""), std::nullopt);
  EXPECT_EQ(parse_log_format("yaml"), std::nullopt);
}

TEST(ParseServerLogLevel, KnowsTheFourLevels) {
  EXPECT_EQ(parse_server_log_level("warning"), spdlog::level::warn);
  EXPECT_EQ(parse_server_log_level("warn"), std::nullopt);
}

}  // namespace
}  // namespace bmcp
