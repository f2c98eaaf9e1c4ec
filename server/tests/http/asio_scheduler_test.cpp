#include "http/asio_scheduler.hpp"

#include <gtest/gtest.h>

#include <atomic>

namespace bmcp::http {
namespace {

TEST(AsioScheduler, RunsATaskAfterItsDelay) {
  boost::asio::io_context io;
  AsioScheduler scheduler(io);
  std::atomic<int> ran{0};
  scheduler.schedule_after(std::chrono::milliseconds(1), [&] { ++ran; });
  io.run_for(std::chrono::seconds(5));
  EXPECT_EQ(ran.load(), 1);
}

TEST(AsioScheduler, ACancelledTaskNeverRuns) {
  boost::asio::io_context io;
  AsioScheduler scheduler(io);
  bool ran = false;
  const auto id = scheduler.schedule_after(std::chrono::milliseconds(1), [&] { ran = true; });
  EXPECT_TRUE(scheduler.cancel(id));
  EXPECT_FALSE(scheduler.cancel(id));
  io.run_for(std::chrono::milliseconds(50));
  EXPECT_FALSE(ran);
}

}  // namespace
}  // namespace bmcp::http
