#include "latency_summary.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <numeric>

namespace bench {

namespace {
double rank(const std::vector<std::int64_t>& sorted, double fraction) {
  if (sorted.empty())
    return 0;
  auto index = static_cast<std::size_t>(std::ceil(fraction * static_cast<double>(sorted.size())));
  index = std::clamp<std::size_t>(index, 1, sorted.size()) - 1;
  return static_cast<double>(sorted[index]) / 1000.0;
}
}  // namespace

LatencySummary summarize(std::vector<std::int64_t>& samples_ns) {
  std::sort(samples_ns.begin(), samples_ns.end());
  LatencySummary s;
  s.count = samples_ns.size();
  if (samples_ns.empty())
    return s;
  s.p50_us = rank(samples_ns, 0.50);
  s.p90_us = rank(samples_ns, 0.90);
  s.p99_us = rank(samples_ns, 0.99);
  s.max_us = static_cast<double>(samples_ns.back()) / 1000.0;
  long double total = std::accumulate(samples_ns.begin(), samples_ns.end(), 0.0L);
  s.mean_us = static_cast<double>(total / samples_ns.size() / 1000.0L);
  return s;
}

std::string LatencySummary::json() const {
  char buf[256];
  std::snprintf(buf, sizeof buf,
                "{\"count\":%zu,\"p50_us\":%.1f,\"p90_us\":%.1f,\"p99_us\":%.1f,\"max_us\":%.1f,"
                "\"mean_us\":%.1f}",
                count, p50_us, p90_us, p99_us, max_us, mean_us);
  return buf;
}

}  // namespace bench
