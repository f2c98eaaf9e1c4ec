#include "core/scheduler.hpp"

#include <vector>

namespace bmcp {

Scheduler::TaskId ManualScheduler::schedule_after(std::chrono::nanoseconds delay,
                                                  std::function<void()> task) {
  std::lock_guard lock(mutex_);
  const TaskId id = next_id_++;
  tasks_.emplace(clock_.steady_now() + delay, std::make_pair(id, std::move(task)));
  return id;
}

bool ManualScheduler::cancel(TaskId id) {
  std::lock_guard lock(mutex_);
  for (auto it = tasks_.begin(); it != tasks_.end(); ++it) {
    if (it->second.first == id) {
      tasks_.erase(it);
      return true;
    }
  }
  return false;
}

void ManualScheduler::advance(std::chrono::nanoseconds delta) {
  clock_.advance(delta);
  run_due();
}

int ManualScheduler::run_due() {
  int ran = 0;
  for (;;) {
    std::function<void()> task;
    {
      std::lock_guard lock(mutex_);
      auto first = tasks_.begin();
      if (first == tasks_.end() || first->first > clock_.steady_now())
        break;
      task = std::move(first->second.second);
      tasks_.erase(first);
    }
    // Runs outside the lock: a task may schedule or cancel others.
    task();
    ++ran;
  }
  return ran;
}

std::size_t ManualScheduler::pending() const {
  std::lock_guard lock(mutex_);
  return tasks_.size();
}

}  // namespace bmcp
