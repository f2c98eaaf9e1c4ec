#include "core/report_throttle.hpp"

namespace bmcp {

std::uint64_t ReportThrottle::take(SteadyTime now) {
  last_report_ = now;
  const std::uint64_t events = unreported_;
  unreported_ = 0;
  return events;
}

std::optional<std::uint64_t> ReportThrottle::count(SteadyTime now) {
  ++unreported_;
  if (!due(now))
    return std::nullopt;
  return take(now);
}

std::optional<std::uint64_t> ReportThrottle::flush(SteadyTime now) {
  if (unreported_ == 0 || !due(now))
    return std::nullopt;
  return take(now);
}

}  // namespace bmcp
