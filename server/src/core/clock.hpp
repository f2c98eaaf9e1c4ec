#pragma once

#include <atomic>
#include <chrono>

namespace bmcp {

using SteadyTime = std::chrono::steady_clock::time_point;
using WallTime = std::chrono::system_clock::time_point;

// Source of time for everything in the server, injected so tests run on fake time.
// Thread safety: implementations are safe to call from any thread.
class Clock {
 public:
  virtual ~Clock() = default;
  virtual SteadyTime steady_now() const = 0;
  virtual WallTime wall_now() const = 0;

  // Seconds since the Unix epoch with a fractional part (wire timestamps).
  double unix_seconds() const;
};

class SystemClock final : public Clock {
 public:
  SteadyTime steady_now() const override { return std::chrono::steady_clock::now(); }
  WallTime wall_now() const override { return std::chrono::system_clock::now(); }
};

// A clock that moves only when told to. Both readings advance together.
class FakeClock final : public Clock {
 public:
  FakeClock();
  SteadyTime steady_now() const override;
  WallTime wall_now() const override;
  void advance(std::chrono::nanoseconds delta);

 private:
  std::atomic<std::int64_t> offset_ns_{0};
  SteadyTime steady_origin_;
  WallTime wall_origin_;
};

}  // namespace bmcp
