#pragma once

#include <chrono>
#include <cstdint>
#include <optional>

#include "core/clock.hpp"

namespace bmcp {

// Decides when a repeated event (an accept failure, a refused connection) is worth a log line:
// the first one at once, then at most one line per interval, each telling how many events
// happened since the previous line. A storm of events therefore costs a bounded number of
// lines instead of one per event.
// Thread safety: none; one owner (the accept loop) calls it.
class ReportThrottle {
 public:
  explicit ReportThrottle(std::chrono::nanoseconds interval) : interval_(interval) {}

  // Counts one event. When a line is due, returns the number of events it should report (this
  // one and those held back since the last line) and starts a new interval.
  std::optional<std::uint64_t> count(SteadyTime now);
  // Events held back since the last line, returned (and forgotten) once the interval has
  // passed; for a closing "... and then it recovered" line. nullopt when none or not yet due.
  std::optional<std::uint64_t> flush(SteadyTime now);

 private:
  bool due(SteadyTime now) const { return !last_report_ || now - *last_report_ >= interval_; }
  std::uint64_t take(SteadyTime now);

  const std::chrono::nanoseconds interval_;
  std::optional<SteadyTime> last_report_;
  std::uint64_t unreported_ = 0;
};

}  // namespace bmcp
