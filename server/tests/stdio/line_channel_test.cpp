#include "stdio/line_channel.hpp"

#include <gtest/gtest.h>

#include "captured_output.hpp"

namespace bmcp::stdio {
namespace {

TEST(LineRequestChannelTest,
     RelatedMessagesThenTheResponseAreLinesAndTheRequestIsNoLongerInFlight) {
  testing::CapturedOutput output;
  InFlight in_flight;
  auto channel = std::make_shared<LineRequestChannel>(output.writer(), in_flight);
  EXPECT_EQ(in_flight.count(), 1u);
  EXPECT_TRUE(channel->send_related(R"({"method":"notifications/progress"})"));
  channel->complete(R"({"id":1,"result":{}})");
  EXPECT_EQ(in_flight.count(), 0u);
  EXPECT_FALSE(channel->send_related(R"({"late":true})"));
  channel->complete(R"({"id":1,"result":"again"})");
  EXPECT_EQ(output.lines(), (std::vector<std::string>{R"({"method":"notifications/progress"})",
                                                      R"({"id":1,"result":{}})"}));
}

TEST(LineRequestChannelTest, AnAbandonedRequestWritesNothingAndIsNoLongerInFlight) {
  testing::CapturedOutput output;
  InFlight in_flight;
  {
    LineRequestChannel channel(output.writer(), in_flight);
    channel.abandon();
    EXPECT_EQ(in_flight.count(), 0u);
  }
  EXPECT_EQ(in_flight.count(), 0u);
  EXPECT_TRUE(output.lines().empty());
}

TEST(LineRequestChannelTest, AChannelDroppedWithoutAnAnswerStopsCounting) {
  InFlight in_flight;
  testing::CapturedOutput output;
  { LineRequestChannel channel(output.writer(), in_flight); }
  EXPECT_TRUE(in_flight.wait_idle(std::chrono::milliseconds(0)));
}

}  // namespace
}  // namespace bmcp::stdio
