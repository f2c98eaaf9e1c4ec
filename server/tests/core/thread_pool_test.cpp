#include "core/thread_pool.hpp"

#include <gtest/gtest.h>

#include <atomic>
#include <latch>

namespace bmcp {
namespace {

TEST(ThreadPool, RunsEveryPostedTask) {
  std::atomic<int> count{0};
  std::latch done(100);
  ThreadPool pool(2);
  for (int i = 0; i < 100; ++i) {
    pool.post([&] {
      ++count;
      done.count_down();
    });
  }
  done.wait();
  EXPECT_EQ(count.load(), 100);
}

TEST(ThreadPool, SurvivesATaskThatThrows) {
  std::latch done(1);
  ThreadPool pool(1);
  pool.post([] { throw std::runtime_error("boom"); });
  pool.post([&] { done.count_down(); });
  done.wait();
  SUCCEED();
}

}  // namespace
}  // namespace bmcp
