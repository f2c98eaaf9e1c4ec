#include "core/clock.hpp"

namespace bmcp {

double Clock::unix_seconds() const {
  const auto since_epoch = wall_now().time_since_epoch();
  return std::chrono::duration<double>(since_epoch).count();
}

// A fixed, realistic origin keeps fake timestamps plausible in test output.
FakeClock::FakeClock()
    : steady_origin_(std::chrono::hours(1000)), wall_origin_(std::chrono::seconds(1763726400)) {}

SteadyTime FakeClock::steady_now() const {
  return steady_origin_ + std::chrono::nanoseconds(offset_ns_.load());
}

WallTime FakeClock::wall_now() const {
  return wall_origin_ + std::chrono::duration_cast<std::chrono::system_clock::duration>(
                            std::chrono::nanoseconds(offset_ns_.load()));
}

void FakeClock::advance(std::chrono::nanoseconds delta) {
  offset_ns_ += delta.count();
}

}  // namespace bmcp
