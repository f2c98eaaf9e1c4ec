#include "app/operation_log.hpp"

#include <gtest/gtest.h>
#include <spdlog/sinks/ostream_sink.h>
#include <spdlog/spdlog.h>

#include <sstream>

#include "core/json_log_formatter.hpp"
#include "core/log_fields.hpp"

namespace bmcp::app {
namespace {

using namespace std::chrono_literals;

// The default logger writes into a string for one test, as JSON or as text.
class OperationLogTest : public ::testing::Test {
 protected:
  void use(LogFormat format) {
    previous_ = spdlog::default_logger();
    auto sink = std::make_shared<spdlog::sinks::ostream_sink_st>(out_);
    if (format == LogFormat::kJson)
      sink->set_formatter(std::make_unique<JsonLogFormatter>());
    else
      sink->set_pattern("%l %v");
    spdlog::set_default_logger(std::make_shared<spdlog::logger>("operation-log-test", sink));
    set_log_format(format);
  }
  void TearDown() override {
    set_log_format(LogFormat::kText);
    if (previous_)
      spdlog::set_default_logger(previous_);
  }

  std::ostringstream out_;
  std::shared_ptr<spdlog::logger> previous_;
};

TEST_F(OperationLogTest, ADispatchNamesUserToolJobStatusAndDuration) {
  use(LogFormat::kText);
  log_dispatch({"demo", "get_scene_info", "completed", "j-0123456789ab", 42ms});
  log_dispatch({"demo", "execute_code", "no_client", "", 1500us});
  EXPECT_EQ(out_.str(),
            "info dispatch finished user=demo tool=blender_get_scene_info job_id=j-0123456789ab "
            "status=completed duration=0.042\n"
            "info dispatch finished user=demo tool=blender_execute_code status=no_client "
            "duration=0.002\n");
}

TEST_F(OperationLogTest, ASessionEndNamesUserSessionAndReason) {
  use(LogFormat::kJson);
  FakeClock clock;
  mcp::SessionTable sessions(clock, mcp::SessionLimits{});
  auto session = sessions.create("demo", "uid-1", "2025-06-18");
  ASSERT_TRUE(session);
  log_session_end(**session, mcp::SessionEndReason::kIdle);
  const std::string line = out_.str();
  EXPECT_NE(line.find(R"("msg":"session ended","user":"demo","session":")" + (*session)->id() +
                      R"(","reason":"idle"})"),
            std::string::npos)
      << line;
}

}  // namespace
}  // namespace bmcp::app
