#pragma once

#include <functional>
#include <string>
#include <vector>

#include "metrics/exposition_writer.hpp"

namespace bmcp::metrics {

// Writes some families into a scrape. Collectors read counters other layers keep, or state
// (sizes, /proc) at the moment of the scrape; they must be quick and take only short locks.
using Collector = std::function<void(ExpositionWriter& writer)>;

// The collectors of one process, added at wiring time, before serving. render() runs them in
// the order they were added. Thread safety: render() is safe from any thread once serving
// started; add() is not (it is start-up only).
class Registry {
 public:
  void add(Collector collector);
  std::string render() const;

 private:
  std::vector<Collector> collectors_;
};

}  // namespace bmcp::metrics
