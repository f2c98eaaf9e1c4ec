#include "core/thread_pool.hpp"

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <latch>
#include <memory>
#include <thread>

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

TEST(ThreadPool, ShutdownRunsTheQueuedWorkBeforeItReturns) {
  std::atomic<int> count{0};
  std::latch gate(1);
  ThreadPool pool(1);
  pool.post([&] { gate.wait(); });
  for (int i = 0; i < 10; ++i)
    pool.post([&] { ++count; });
  gate.count_down();
  pool.shutdown();
  EXPECT_EQ(count.load(), 10);
}

TEST(ThreadPool, WorkPostedByQueuedWorkDuringShutdownStillRuns) {
  std::atomic<int> count{0};
  std::latch gate(1);
  ThreadPool pool(1);
  pool.post([&] {
    gate.wait();
    pool.post([&] { ++count; });
  });
  // The gate opens while shutdown() is (most likely) already waiting; either way the nested
  // work must have run when shutdown() returns.
  std::thread opener([&] {
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
    gate.count_down();
  });
  pool.shutdown();
  opener.join();
  EXPECT_EQ(count.load(), 1);
}

TEST(ThreadPool, WorkPostedAfterShutdownIsDestroyedWithoutRunning) {
  ThreadPool pool(2);
  pool.shutdown();
  bool ran = false;
  auto held = std::make_shared<int>(7);
  std::weak_ptr<int> watch = held;
  pool.post([&ran, held = std::move(held)] { ran = *held == 7; });
  EXPECT_FALSE(ran);
  EXPECT_TRUE(watch.expired());  // not kept until the pool is destroyed
  pool.shutdown();               // a second call does nothing
  EXPECT_FALSE(ran);
}

}  // namespace
}  // namespace bmcp
