#include "stdio/stdio_loop.hpp"

#include <gtest/gtest.h>

#include <sstream>

#include "captured_output.hpp"
#include "jsonrpc/codes.hpp"

namespace bmcp::stdio {
namespace {

TEST(ReadMessagesTest, HandsOverEachMessageInOrderAndSkipsBlankLines) {
  std::istringstream in(
      "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"ping\"}\n\n  \r\n"
      "{\"jsonrpc\":\"2.0\",\"method\":\"notifications/initialized\"}\r\n");
  testing::CapturedOutput output;
  std::vector<std::string> methods;
  const auto lines = read_messages(in, output.writer(), [&](const jsonrpc::Message& message) {
    methods.push_back(message.method);
  });
  EXPECT_EQ(lines, 4u);
  EXPECT_EQ(methods, (std::vector<std::string>{"ping", "notifications/initialized"}));
  EXPECT_TRUE(output.lines().empty());
}

TEST(ReadMessagesTest, ALineThatIsNotJsonIsAParseErrorAndReadingGoesOn) {
  std::istringstream in("not json\n{\"jsonrpc\":\"2.0\",\"id\":2,\"method\":\"ping\"}");
  testing::CapturedOutput output;
  int handled = 0;
  read_messages(in, output.writer(), [&](const jsonrpc::Message&) { ++handled; });
  EXPECT_EQ(handled, 1);
  const auto replies = output.messages();
  ASSERT_EQ(replies.size(), 1u);
  EXPECT_EQ(replies[0].at("id"), nullptr);
  EXPECT_EQ(replies[0].at("error").at("code"), jsonrpc::kParseError);
}

TEST(ReadMessagesTest, JsonThatIsNotAMessageOrABatchIsAnInvalidRequest) {
  std::istringstream in("{\"hello\":1}\n[{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"ping\"}]\n");
  testing::CapturedOutput output;
  int handled = 0;
  read_messages(in, output.writer(), [&](const jsonrpc::Message&) { ++handled; });
  EXPECT_EQ(handled, 0);
  const auto replies = output.messages();
  ASSERT_EQ(replies.size(), 2u);
  for (const auto& reply : replies)
    EXPECT_EQ(reply.at("error").at("code"), jsonrpc::kInvalidRequest);
}

}  // namespace
}  // namespace bmcp::stdio
