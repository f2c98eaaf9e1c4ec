#pragma once

#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <map>
#include <memory>
#include <mutex>

#include "core/scheduler.hpp"

namespace bmcp::http {

// Scheduler on an io_context: each task is a steady_timer; tasks run on I/O threads.
class AsioScheduler final : public Scheduler {
 public:
  explicit AsioScheduler(boost::asio::io_context& io);
  TaskId schedule_after(std::chrono::nanoseconds delay, std::function<void()> task) override;
  bool cancel(TaskId id) override;

 private:
  boost::asio::io_context& io_;
  std::mutex mutex_;
  TaskId next_id_ = 1;
  std::map<TaskId, std::shared_ptr<boost::asio::steady_timer>> timers_;
};

}  // namespace bmcp::http
