#include "metrics/registry.hpp"

namespace bmcp::metrics {

void Registry::add(Collector collector) {
  collectors_.push_back(std::move(collector));
}

std::string Registry::render() const {
  ExpositionWriter writer;
  for (const auto& collector : collectors_)
    collector(writer);
  return writer.text();
}

}  // namespace bmcp::metrics
