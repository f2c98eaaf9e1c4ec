#include "core/json_log_formatter.hpp"

#include <gtest/gtest.h>
#include <spdlog/sinks/ostream_sink.h>
#include <spdlog/spdlog.h>

#include <boost/json/parse.hpp>
#include <regex>
#include <sstream>

#include "core/log_fields.hpp"

namespace bmcp {
namespace {

// A logger that writes with JsonLogFormatter into a string, set as the default logger for one
// test (log_with_fields logs to the default logger).
class JsonLogTest : public ::testing::Test {
 protected:
  void SetUp() override {
    previous_ = spdlog::default_logger();
    auto sink = std::make_shared<spdlog::sinks::ostream_sink_st>(out_);
    sink->set_formatter(std::make_unique<JsonLogFormatter>());
    auto logger = std::make_shared<spdlog::logger>("json-test", sink);
    logger->set_level(spdlog::level::debug);
    spdlog::set_default_logger(logger);
    set_log_format(LogFormat::kJson);
  }
  void TearDown() override {
    set_log_format(LogFormat::kText);
    spdlog::set_default_logger(previous_);
  }
  std::vector<json::object> lines() const {
    std::vector<json::object> objects;
    std::istringstream in(out_.str());
    std::string line;
    while (std::getline(in, line))
      objects.push_back(boost::json::parse(line).as_object());
    return objects;
  }

  std::ostringstream out_;
  std::shared_ptr<spdlog::logger> previous_;
};

TEST_F(JsonLogTest, APlainLineHasTsLevelAndMsg) {
  spdlog::warn("bus bounds were hit: {}", "held=1");
  const auto objects = lines();
  ASSERT_EQ(objects.size(), 1u);
  const auto& line = objects[0];
  EXPECT_EQ(line.size(), 3u);
  EXPECT_EQ(line.at("level"), "warning");
  EXPECT_EQ(line.at("msg"), "bus bounds were hit: held=1");
  EXPECT_TRUE(std::regex_match(std::string(line.at("ts").as_string()),
                               std::regex(R"(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z)")));
}

TEST_F(JsonLogTest, FieldsBecomeMembersWithTheirTypes) {
  log_with_fields(spdlog::level::info, "dispatch finished",
                  {{"user", "demo"}, {"job_id", "j-1"}, {"duration", 1.5}});
  const auto objects = lines();
  ASSERT_EQ(objects.size(), 1u);
  EXPECT_EQ(objects[0].at("msg"), "dispatch finished");
  EXPECT_EQ(objects[0].at("user"), "demo");
  EXPECT_EQ(objects[0].at("job_id"), "j-1");
  EXPECT_EQ(objects[0].at("duration").as_double(), 1.5);
  EXPECT_EQ(current_log_fields(), nullptr);
  spdlog::info("next");
  EXPECT_EQ(lines()[1].size(), 3u);  // the fields were for one record only
}

TEST_F(JsonLogTest, LineBreaksAndQuotesStayInsideOneLine) {
  spdlog::error("a \"quoted\"\nsecond line");
  log_with_fields(spdlog::level::info, "login", {{"user", "x\"}\n{\"level\":\"error\""}});
  const auto objects = lines();
  ASSERT_EQ(objects.size(), 2u);
  EXPECT_EQ(objects[0].at("msg"), "a \"quoted\"\nsecond line");
  EXPECT_EQ(objects[1].at("user"), "x\"}\n{\"level\":\"error\"");
  EXPECT_EQ(objects[1].at("level"), "info");
}

TEST_F(JsonLogTest, LevelsUseTheServersWords) {
  spdlog::debug("d");
  spdlog::info("i");
  spdlog::error("e");
  const auto objects = lines();
  ASSERT_EQ(objects.size(), 3u);
  EXPECT_EQ(objects[0].at("level"), "debug");
  EXPECT_EQ(objects[1].at("level"), "info");
  EXPECT_EQ(objects[2].at("level"), "error");
}

TEST_F(JsonLogTest, NothingIsWrittenBelowTheLevel) {
  spdlog::default_logger()->set_level(spdlog::level::warn);
  log_with_fields(spdlog::level::info, "quiet", {{"user", "demo"}});
  EXPECT_TRUE(out_.str().empty());
}

}  // namespace
}  // namespace bmcp
