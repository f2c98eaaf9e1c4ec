#include "app/server_metrics.hpp"

#include <gtest/gtest.h>

#include <regex>
#include <set>
#include <sstream>

#include "../bus/fake_endpoint.hpp"
#include "bus/bus_hub.hpp"
#include "jobs/memory_job_store.hpp"
#include "metrics/bounded_label.hpp"

namespace bmcp::app {
namespace {

using bus::testing::FakeEndpoint;

class ServerMetricsTest : public ::testing::Test {
 protected:
  ServerMetricsTest() {
    add_server_collectors(registry_,
                          MetricSources{"9.9.9", sessions_, http_, hub_, jobs_, auth_, dispatch_});
  }
  bool has(const std::string& line) const {
    return registry_.render().find(line + "\n") != std::string::npos;
  }

  FakeClock clock_;
  mcp::SessionTable sessions_{clock_, mcp::SessionLimits{}};
  http::ServerStats http_;
  bus::BusHub hub_{clock_, bus::BusLimits{}};
  jobs::MemoryJobStore jobs_{clock_, jobs::JobStoreLimits{}};
  auth::AuthCounters auth_;
  DispatchMetrics dispatch_;
  metrics::Registry registry_;
};

TEST_F(ServerMetricsTest, ReadsEachSourceAtTheScrape) {
  ASSERT_TRUE(sessions_.create("demo", "uid-1", "2025-06-18"));
  http_.count_response(200);
  http_.count_response(401);
  http_.stream_opened();
  auto bus = hub_.bus_for("demo");
  ASSERT_TRUE(
      bus->register_client({"b1", "blender", true, {}, {}}, std::make_shared<FakeEndpoint>("s1")));
  ASSERT_TRUE(bus->register_client({"x1", "my own type", false, {}, {}},
                                   std::make_shared<FakeEndpoint>("s2")));
  bus::SendRequest send;
  send.route = bus::Route::direct("b1");
  send.payload = {{"n", 1}};
  send.origin = "x1";
  hub_.send("demo", send, false);
  jobs::JobRecord record;
  record.job_id = "j-1";
  jobs_.start("demo", record);
  auth_.count(auth::AuthAction::kLogin, auth::AuthOutcome::kInvalidCredentials);
  auth_.count(auth::AuthAction::kAccess, auth::AuthOutcome::kSuccess);
  dispatch_.observe("get_scene_info", "completed", std::chrono::milliseconds(3));

  EXPECT_TRUE(has("blender_mcp_build_info{version=\"9.9.9\"} 1"));
  EXPECT_TRUE(has("blender_mcp_sessions 1"));
  EXPECT_TRUE(has("blender_mcp_open_event_streams 1"));
  EXPECT_TRUE(has("blender_mcp_http_responses_total{code=\"200\"} 1"));
  EXPECT_TRUE(has("blender_mcp_http_responses_total{code=\"401\"} 1"));
  EXPECT_FALSE(has("blender_mcp_http_responses_total{code=\"500\"} 0"));
  EXPECT_TRUE(has("blender_mcp_clients{client_type=\"blender\",state=\"online\"} 1"));
  EXPECT_TRUE(has("blender_mcp_clients{client_type=\"blender\",state=\"offline\"} 0"));
  EXPECT_TRUE(has("blender_mcp_clients{client_type=\"other\",state=\"online\"} 1"));
  EXPECT_TRUE(has("blender_mcp_clients{client_type=\"llm\",state=\"online\"} 0"));
  EXPECT_TRUE(has("blender_mcp_bus_records_routed_total 1"));
  EXPECT_TRUE(has("blender_mcp_bus_records_delivered_total 1"));
  EXPECT_TRUE(has("blender_mcp_bus_records_dropped_total{reason=\"hold_overflow\"} 0"));
  EXPECT_TRUE(has("blender_mcp_jobs 1"));
  EXPECT_TRUE(has("blender_mcp_auth_successes_total{action=\"access\"} 1"));
  EXPECT_TRUE(has("blender_mcp_auth_successes_total{action=\"login\"} 0"));
  EXPECT_TRUE(
      has("blender_mcp_auth_failures_total{action=\"login\",reason=\"invalid_credentials\"} 1"));
  EXPECT_TRUE(has("blender_mcp_auth_failures_total{action=\"access\",reason=\"token_expired\"} 0"));
  EXPECT_FALSE(has("blender_mcp_auth_failures_total{action=\"logout\",reason=\"rate_limited\"} 0"));
  EXPECT_TRUE(
      has("blender_mcp_dispatch_calls_total{tool=\"blender_get_scene_info\","
          "status=\"completed\"} 1"));
  const auto text = registry_.render();
  EXPECT_NE(text.find("blender_mcp_process_resident_memory_bytes "), std::string::npos);
  EXPECT_NE(text.find("blender_mcp_process_open_fds "), std::string::npos);
  EXPECT_NE(text.find("blender_mcp_process_max_fds "), std::string::npos);
  EXPECT_EQ(text.find("demo"), std::string::npos);  // no user ids
  EXPECT_EQ(text.find("j-1"), std::string::npos);   // no job ids
}

// Every family has HELP and TYPE lines before its samples, follows the naming conventions
// (counters end in _total, histograms in _seconds here) and appears once.
TEST_F(ServerMetricsTest, EveryFamilyIsDeclaredOnceWithConventionalNames) {
  dispatch_.observe("get_scene_info", "completed", std::chrono::milliseconds(3));
  std::istringstream lines(registry_.render());
  std::set<std::string> families;
  std::string current_type;
  std::string current;
  const std::regex type_line(R"(# TYPE (\S+) (counter|gauge|histogram))");
  std::string line;
  while (std::getline(lines, line)) {
    std::smatch match;
    if (std::regex_match(line, match, type_line)) {
      current = match[1];
      current_type = match[2];
      EXPECT_TRUE(families.insert(current).second) << current;
      EXPECT_TRUE(metrics::is_valid_metric_name(current)) << current;
      EXPECT_EQ(current.rfind("blender_mcp_", 0), 0u) << current;
      if (current_type == "counter") {
        EXPECT_TRUE(current.ends_with("_total")) << current;
      }
      if (current_type == "histogram") {
        EXPECT_TRUE(current.ends_with("_seconds")) << current;
      }
      continue;
    }
    if (line.starts_with("# HELP"))
      continue;
    ASSERT_FALSE(current.empty()) << "sample before any TYPE: " << line;
    EXPECT_EQ(line.rfind(current, 0), 0u) << line << " is not in family " << current;
  }
  EXPECT_GE(families.size(), 15u);
}

}  // namespace
}  // namespace bmcp::app
