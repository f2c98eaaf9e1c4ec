#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace bmcp::metrics {

// One label of a metric with a fixed set of values, given when it is built, plus the catch-all
// value `other` that every unknown value counts as: whatever callers pass, the metric never
// has more series than the set allows (no user ids, job ids or free text as label values).
// Immutable after construction, so index_of() needs no lock.
class BoundedLabel {
 public:
  // Throws std::invalid_argument for an invalid label name, or when `values` repeats a value
  // or contains `other`: both are programming errors.
  BoundedLabel(std::string name, std::vector<std::string> values, std::string other = "other");

  const std::string& name() const { return name_; }
  // The known values and `other`.
  std::size_t size() const { return values_.size() + 1; }
  // The index of `value`, or of `other` (size() - 1) for an unknown one. A binary search over
  // the sorted values: no allocation, no lock.
  std::size_t index_of(std::string_view value) const;
  // The value at `index` (< size()): a known value in sorted order, last `other`.
  const std::string& value_at(std::size_t index) const;

 private:
  std::string name_;
  std::vector<std::string> values_;  // sorted
  std::string other_;
};

// [a-zA-Z_:][a-zA-Z0-9_:]*, the Prometheus metric name syntax.
bool is_valid_metric_name(std::string_view name);
// [a-zA-Z_][a-zA-Z0-9_]*, not starting with the reserved "__".
bool is_valid_label_name(std::string_view name);

}  // namespace bmcp::metrics
