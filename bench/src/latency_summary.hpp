// Percentiles of a set of durations, reported in microseconds.
#pragma once
#include <cstdint>
#include <string>
#include <vector>

namespace bench {

struct LatencySummary {
  std::size_t count = 0;
  double p50_us = 0, p90_us = 0, p99_us = 0, max_us = 0, mean_us = 0;
  // JSON object text: {"count":..,"p50_us":..,...}
  std::string json() const;
};

// Sorts `samples_ns` in place. Percentiles use the nearest-rank method.
LatencySummary summarize(std::vector<std::int64_t>& samples_ns);

}  // namespace bench
