#pragma once

#include <condition_variable>
#include <deque>
#include <functional>
#include <mutex>
#include <thread>
#include <vector>

namespace bmcp {

// A small fixed pool for blocking work (SQLite, Argon2id) so it never runs on I/O threads.
// Thread safety: post() may be called from any thread; shutdown() from the owner's thread only
// (never from pool work, which it waits for).
class ThreadPool {
 public:
  explicit ThreadPool(std::size_t threads);
  // Calls shutdown().
  ~ThreadPool();
  ThreadPool(const ThreadPool&) = delete;
  ThreadPool& operator=(const ThreadPool&) = delete;

  void post(std::function<void()> work);
  // Runs the work already queued (and what that work posts), waits until it has finished and ends
  // the threads. Work posted from outside the pool meanwhile, or at any time afterwards, is
  // destroyed unrun before this returns or in post(): nothing is left to run it, and it must not
  // outlive what it refers to. Later calls do nothing. The owner calls it before it destroys what
  // pool work uses (in the server: the io_context that work answers through).
  void shutdown();

 private:
  void run();

  std::mutex mutex_;
  std::condition_variable wake_;
  std::deque<std::function<void()>> queue_;
  bool stopping_ = false;
  bool finished_ = false;  // shutdown() has joined the threads
  std::vector<std::thread> threads_;
};

}  // namespace bmcp
