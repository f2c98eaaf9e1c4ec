#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "metrics/histogram.hpp"

namespace bmcp::metrics {

// Label pairs of one sample, in the order they are written.
using Labels = std::vector<std::pair<std::string_view, std::string_view>>;

enum class MetricType { kCounter, kGauge, kHistogram };

// Writes the Prometheus text exposition format (version 0.0.4): each family's `# HELP` and
// `# TYPE` lines, then its samples. Label values and help text are escaped as the format
// requires (backslash, double quote in label values, line feed); values that came from
// clients are safe to pass. Names are the caller's constants and are not checked here
// (tests check them with is_valid_metric_name and promtool).
class ExpositionWriter {
 public:
  // Starts a family: its HELP and TYPE lines.
  void family(std::string_view name, MetricType type, std::string_view help);
  void sample(std::string_view name, const Labels& labels, std::uint64_t value);
  void sample(std::string_view name, const Labels& labels, double value);
  // The `_bucket` (with `le`), `_sum` and `_count` samples of one histogram series.
  void histogram(std::string_view name, const Labels& labels, const HistogramSnapshot& snapshot);

  // A family with one unlabelled sample.
  void single(std::string_view name, MetricType type, std::string_view help, std::uint64_t value);

  const std::string& text() const { return text_; }

 private:
  void write_labels(const Labels& labels, std::string_view extra_name = {},
                    std::string_view extra_value = {});

  std::string text_;
};

// The Content-Type of the text format.
inline constexpr std::string_view kExpositionContentType =
    "text/plain; version=0.0.4; charset=utf-8";

// A sample value as the format writes it: shortest round-trip decimal, `+Inf`, `-Inf`, `NaN`.
std::string format_value(double value);

}  // namespace bmcp::metrics
