#include "http/asio_scheduler.hpp"

#include <spdlog/spdlog.h>

#include <boost/asio/post.hpp>

namespace bmcp::http {

AsioScheduler::AsioScheduler(boost::asio::io_context& io) : io_(io) {}

Scheduler::TaskId AsioScheduler::schedule_after(std::chrono::nanoseconds delay,
                                                std::function<void()> task) {
  auto timer = std::make_shared<boost::asio::steady_timer>(io_);
  timer->expires_after(delay);
  TaskId id = 0;
  {
    std::lock_guard lock(mutex_);
    id = next_id_++;
    timers_[id] = timer;
  }
  timer->async_wait([this, id, task = std::move(task)](const boost::system::error_code& ec) {
    {
      std::lock_guard lock(mutex_);
      // Erasing decides the race with cancel(): whoever erases first wins.
      if (timers_.erase(id) == 0 || ec)
        return;
    }
    try {
      task();
    } catch (const std::exception& e) {
      spdlog::error("scheduled task failed: {}", e.what());
    }
  });
  return id;
}

bool AsioScheduler::cancel(TaskId id) {
  std::shared_ptr<boost::asio::steady_timer> timer;
  {
    std::lock_guard lock(mutex_);
    auto found = timers_.find(id);
    if (found == timers_.end())
      return false;
    timer = found->second;
    timers_.erase(found);
  }
  // steady_timer is not thread safe: cancel it on the I/O threads. The erase above already
  // guarantees the task will not run.
  boost::asio::post(io_, [timer] { timer->cancel(); });
  return true;
}

}  // namespace bmcp::http
