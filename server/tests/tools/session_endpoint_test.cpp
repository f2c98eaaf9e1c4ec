#include "tools/session_endpoint.hpp"

#include <gtest/gtest.h>

#include "../mcp/fake_channel.hpp"

namespace bmcp::tools {
namespace {

using namespace std::chrono_literals;

class SessionEndpointTest : public ::testing::Test {
 protected:
  FakeClock clock_;
  std::shared_ptr<mcp::Session> session_ = std::make_shared<mcp::Session>(
      "s1", "demo", "2025-11-25", clock_, mcp::StandaloneStreamLimits{2, 256});
  SessionEndpoint endpoint_{session_, clock_};
};

bus::Message message() {
  bus::Message m;
  m.user_id = "demo";
  m.from_uuid = "server:demo";
  m.routing = {{"type", "direct"}, {"target_uuid", "peer"}};
  m.payload = {{"n", 1}};
  m.job_id = "job-1";
  m.message_id = "6f1e2d3c-4b5a-4987-8a6b-5c4d3e2f1a0b";
  m.priority = LogLevel::kNotice;
  m.timestamp = 1763726432.004;
  return m;
}

TEST_F(SessionEndpointTest, ARecordIsANotificationMessageOnTheBusLoggerWithItsLevelName) {
  auto sink = std::make_shared<mcp::testing::RecordingSink>();
  session_->stream().attach(sink, std::nullopt);
  EXPECT_EQ(endpoint_.deliver(message(), "peer", nullptr), bus::Delivery::kQueued);
  ASSERT_EQ(sink->frames.size(), 1u);
  EXPECT_EQ(sink->frames[0],
            "id: 1\nevent: message\ndata: "
            R"({"jsonrpc":"2.0","method":"notifications/message","params":{"level":"notice",)"
            R"("logger":"_message_bus","data":{"user_id":"demo","from_uuid":"server:demo",)"
            R"("target_uuid":"peer","routing":{"type":"direct","target_uuid":"peer"},)"
            R"("payload":{"n":1},"job_id":"job-1",)"
            R"("message_id":"6f1e2d3c-4b5a-4987-8a6b-5c4d3e2f1a0b","priority":5,)"
            R"("timestamp":1763726432.004}}})"
            "\n\n");
}

TEST_F(SessionEndpointTest, TheSplicedNotificationIsTheFullRenderingAtEveryLevel) {
  for (int level = 0; level < 8; ++level) {
    auto m = message();
    m.priority = static_cast<LogLevel>(level);
    m.from_uuid = R"(x","target_uuid":"")";
    const json::object expected{{"jsonrpc", "2.0"},
                                {"method", "notifications/message"},
                                {"params",
                                 {{"level", level_name(m.priority)},
                                  {"logger", bus::kBusLogger},
                                  {"data", bus::record_data(m, R"(pe"er)")}}}};
    EXPECT_EQ(bus_notification_text(m, R"(pe"er)"), to_json_text(expected)) << level;
    m.text = std::make_shared<const bus::RecordText>(bus::render_record_text(m));
    EXPECT_EQ(bus_notification_text(m, R"(pe"er)"), to_json_text(expected)) << level;
  }
}

TEST_F(SessionEndpointTest, QueueOverflowAndTheEndOfTheSessionAreReported) {
  endpoint_.deliver(message(), "peer", nullptr);
  endpoint_.deliver(message(), "peer", nullptr);
  EXPECT_EQ(endpoint_.deliver(message(), "peer", nullptr), bus::Delivery::kQueuedDroppingOldest);
  session_->end();
  EXPECT_EQ(endpoint_.deliver(message(), "peer", nullptr), bus::Delivery::kSessionEnded);
}

TEST_F(SessionEndpointTest, ARecordTheUsersBudgetCannotHoldIsReportedAndNotKept) {
  auto budget = std::make_shared<ByteBudget>(10);
  EXPECT_EQ(endpoint_.deliver(message(), "peer", budget), bus::Delivery::kOverBudget);
  EXPECT_EQ(budget->used(), 0u);
  auto sink = std::make_shared<mcp::testing::RecordingSink>();
  session_->stream().attach(sink, std::nullopt);
  EXPECT_TRUE(sink->frames.empty());
}

TEST_F(SessionEndpointTest, TheMeasuredRecordSizeCoversItsFrameForAnyRecipient) {
  auto m = message();
  m.payload = {{"text", std::string(1000, '"')}, {"priority_word", "emergency"}};
  m.priority = LogLevel::kEmergency;
  const std::string longest_uuid(128, 'u');
  const auto frame =
      mcp::format_sse_event(18446744073709551615ull, bus_notification_text(m, longest_uuid));
  EXPECT_LE(frame.size(), bus::record_text_bytes(m));
}

TEST_F(SessionEndpointTest, ANewSessionIsOnlineForTheGracePeriodBeforeItsStreamOpens) {
  EXPECT_TRUE(endpoint_.online(15s));
  clock_.advance(15s);
  EXPECT_FALSE(endpoint_.online(15s));
}

TEST_F(SessionEndpointTest, AnOpenStreamKeepsItOnlineAndLosingItStartsTheGrace) {
  auto sink = std::make_shared<mcp::testing::RecordingSink>();
  clock_.advance(60s);
  session_->stream().attach(sink, std::nullopt);
  EXPECT_TRUE(endpoint_.online(15s));
  session_->stream().detach(sink.get());
  clock_.advance(14s);
  EXPECT_TRUE(endpoint_.online(15s));
  clock_.advance(1s);
  EXPECT_FALSE(endpoint_.online(15s));
}

TEST_F(SessionEndpointTest, AnEndedSessionIsOffline) {
  session_->end();
  EXPECT_FALSE(endpoint_.online(15s));
}

TEST_F(SessionEndpointTest, LastRequestFollowsTheSessionsActivity) {
  const double created = clock_.unix_seconds();
  clock_.advance(10s);
  EXPECT_NEAR(endpoint_.last_request_at(), created, 1e-3);
  session_->touch();
  EXPECT_NEAR(endpoint_.last_request_at(), created + 10, 1e-3);
}

}  // namespace
}  // namespace bmcp::tools
