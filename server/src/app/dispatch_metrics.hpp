#pragma once

#include <chrono>
#include <string_view>

#include "metrics/exposition_writer.hpp"
#include "metrics/families.hpp"

namespace bmcp::app {

// Dispatch calls by tool and envelope status, and their durations by tool. The tool is the
// dispatch table's row for the addon command (a resource read that runs the same command counts
// under that tool); both labels are bounded, anything else counts as `other`.
// Thread safety: observe() and render() are safe from any thread; observe() takes no lock.
class DispatchMetrics {
 public:
  DispatchMetrics();

  // Counts one dispatch of `command` that ended with `status` after `elapsed`.
  void observe(std::string_view command, std::string_view status, std::chrono::nanoseconds elapsed);
  void render(metrics::ExpositionWriter& writer) const;

 private:
  metrics::CounterFamily calls_;
  metrics::HistogramFamily durations_;
};

}  // namespace bmcp::app
