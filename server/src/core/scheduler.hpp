#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <mutex>

#include "core/clock.hpp"

namespace bmcp {

// Runs tasks after a delay. The server uses an Asio-backed implementation; tests use
// ManualScheduler on a FakeClock. Tasks run on an arbitrary thread and must not assume a
// particular one. Thread safety: all methods may be called from any thread.
class Scheduler {
 public:
  using TaskId = std::uint64_t;
  virtual ~Scheduler() = default;
  virtual TaskId schedule_after(std::chrono::nanoseconds delay, std::function<void()> task) = 0;
  // Returns true when the task had not started yet and now never will.
  virtual bool cancel(TaskId id) = 0;
};

// Deterministic scheduler for tests: tasks run only inside run_due()/advance().
class ManualScheduler final : public Scheduler {
 public:
  explicit ManualScheduler(FakeClock& clock) : clock_(clock) {}
  TaskId schedule_after(std::chrono::nanoseconds delay, std::function<void()> task) override;
  bool cancel(TaskId id) override;
  // Moves the clock forward and runs every task that became due, in deadline order.
  void advance(std::chrono::nanoseconds delta);
  // Runs the tasks whose deadline has passed. Returns how many ran.
  int run_due();
  std::size_t pending() const;

 private:
  FakeClock& clock_;
  mutable std::mutex mutex_;
  TaskId next_id_ = 1;
  std::multimap<SteadyTime, std::pair<TaskId, std::function<void()>>> tasks_;
};

}  // namespace bmcp
