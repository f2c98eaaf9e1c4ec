#include "mcp/session.hpp"

#include <gtest/gtest.h>

#include "fake_channel.hpp"

namespace bmcp::mcp {
namespace {

TEST(Session, IsIdleOnlyWithoutAStreamAndAfterTheLimit) {
  FakeClock clock;
  Session session("s", "demo", "2025-11-25", clock, StandaloneStreamLimits{});
  clock.advance(std::chrono::seconds(10));
  EXPECT_TRUE(session.is_idle(std::chrono::seconds(5)));
  session.touch();
  EXPECT_FALSE(session.is_idle(std::chrono::seconds(5)));
  clock.advance(std::chrono::seconds(10));
  session.stream().attach(std::make_shared<testing::RecordingSink>(), std::nullopt);
  EXPECT_FALSE(session.is_idle(std::chrono::seconds(5)));
}

TEST(Session, TheIdleTimeCountsFromWhenTheStreamWentAwayNotFromTheLastRequest) {
  // A client that only listens: one request long ago, a stream open since; it reconnects.
  FakeClock clock;
  Session session("s", "demo", "2025-11-25", clock, StandaloneStreamLimits{});
  auto sink = std::make_shared<testing::RecordingSink>();
  session.stream().attach(sink, std::nullopt);
  clock.advance(std::chrono::seconds(60));
  session.stream().detach(sink.get());
  EXPECT_FALSE(session.is_idle(std::chrono::seconds(5)));
  clock.advance(std::chrono::seconds(4));
  EXPECT_FALSE(session.is_idle(std::chrono::seconds(5)));
  clock.advance(std::chrono::seconds(2));
  EXPECT_TRUE(session.is_idle(std::chrono::seconds(5)));
}

TEST(Session, RequestKeysKeepStringAndNumberIdsApart) {
  EXPECT_NE(request_key(json::value("1")), request_key(json::value(1)));
}

TEST(Session, RequestKeysOfNumbersAreTheirJsonText) {
  for (const json::value& id : {json::value(0), json::value(-42), json::value(9223372036854775807),
                                json::value(18446744073709551615ull), json::value(2.5)}) {
    EXPECT_EQ(request_key(id), "n:" + to_json_text(id));
  }
}

TEST(Session, StartsAtTheWarningLevel) {
  FakeClock clock;
  Session session("s", "demo", "v", clock, StandaloneStreamLimits{});
  EXPECT_EQ(session.log_level(), LogLevel::kWarning);
}

}  // namespace
}  // namespace bmcp::mcp
