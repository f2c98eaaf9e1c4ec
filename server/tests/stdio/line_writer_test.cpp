#include "stdio/line_writer.hpp"

#include <gtest/gtest.h>

#include <thread>

#include "captured_output.hpp"

namespace bmcp::stdio {
namespace {

TEST(LineWriterTest, EachMessageIsOneLine) {
  testing::CapturedOutput output;
  EXPECT_TRUE(output.writer().write_line(R"({"a":1})"));
  EXPECT_TRUE(output.writer().write_line(R"({"b":"x\ny"})"));
  EXPECT_EQ(output.lines(), (std::vector<std::string>{R"({"a":1})", R"({"b":"x\ny"})"}));
}

TEST(LineWriterTest, LinesFromManyThreadsNeverInterleave) {
  testing::CapturedOutput output;
  const std::string long_line(4096, 'x');
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&] {
      for (int i = 0; i < 50; ++i)
        output.writer().write_line(long_line);
    });
  }
  for (auto& thread : threads)
    thread.join();
  const auto lines = output.lines();
  ASSERT_EQ(lines.size(), 200u);
  for (const auto& line : lines)
    EXPECT_EQ(line, long_line);
}

TEST(LineWriterTest, AFailedOutputReportsFailureAndStaysFailed) {
  std::FILE* read_only = std::fopen("/dev/null", "r");
  ASSERT_NE(read_only, nullptr);
  LineWriter writer(read_only);
  EXPECT_FALSE(writer.write_line("{}"));
  EXPECT_TRUE(writer.failed());
  EXPECT_FALSE(writer.write_line("{}"));
  std::fclose(read_only);
}

}  // namespace
}  // namespace bmcp::stdio
