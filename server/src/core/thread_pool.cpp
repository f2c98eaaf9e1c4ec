#include "core/thread_pool.hpp"

#include <spdlog/spdlog.h>

namespace bmcp {

ThreadPool::ThreadPool(std::size_t threads) {
  threads_.reserve(threads);
  for (std::size_t i = 0; i < threads; ++i)
    threads_.emplace_back([this] { run(); });
}

ThreadPool::~ThreadPool() {
  shutdown();
}

void ThreadPool::shutdown() {
  std::vector<std::thread> threads;
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
    threads.swap(threads_);
  }
  wake_.notify_all();
  // A thread leaves only when the queue is empty, so work posted by queued work still runs.
  for (auto& thread : threads)
    thread.join();
  std::deque<std::function<void()>> unrun;
  {
    std::lock_guard lock(mutex_);
    finished_ = true;
    unrun.swap(queue_);
  }
  // `unrun` (posted from outside after the last thread left) is destroyed here, outside the lock.
}

void ThreadPool::post(std::function<void()> work) {
  {
    std::lock_guard lock(mutex_);
    if (finished_)
      return;  // `work` is destroyed on return, outside the lock
    queue_.push_back(std::move(work));
  }
  wake_.notify_one();
}

void ThreadPool::run() {
  for (;;) {
    std::function<void()> work;
    {
      std::unique_lock lock(mutex_);
      wake_.wait(lock, [this] { return stopping_ || !queue_.empty(); });
      if (queue_.empty())
        return;
      work = std::move(queue_.front());
      queue_.pop_front();
    }
    try {
      work();
    } catch (const std::exception& e) {
      spdlog::error("blocking task failed: {}", e.what());
    }
  }
}

}  // namespace bmcp
