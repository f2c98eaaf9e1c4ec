#pragma once

#include <cstddef>
#include <initializer_list>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "metrics/bounded_label.hpp"
#include "metrics/counter.hpp"
#include "metrics/exposition_writer.hpp"
#include "metrics/histogram.hpp"

namespace bmcp::metrics {

// Which series of a family are written: all of them, or only those that moved (for families
// with many combinations that mostly never happen, such as tool x status).
enum class Series { kAll, kMoved };

// One counter per combination of bounded label values, allocated up front: at() computes an
// index (a binary search per label) and returns the counter, so counting takes no lock and
// allocates nothing. Thread safety: at() and render() are safe from any thread.
class CounterFamily {
 public:
  // Throws std::invalid_argument for an invalid name (a programming error).
  CounterFamily(std::string name, std::string help, std::vector<BoundedLabel> labels,
                Series series = Series::kAll);

  // The counter for one value per label, in label order; unknown values count as `other`.
  // Throws std::invalid_argument when the number of values is not the number of labels.
  Counter& at(std::initializer_list<std::string_view> values);
  const Counter& at(std::initializer_list<std::string_view> values) const;
  void render(ExpositionWriter& writer) const;
  const std::string& name() const { return name_; }

 private:
  std::size_t index_of(std::initializer_list<std::string_view> values) const;

  std::string name_;
  std::string help_;
  std::vector<BoundedLabel> labels_;
  Series series_;
  std::size_t size_ = 1;
  std::unique_ptr<Counter[]> counters_;
};

// One histogram per value of one bounded label; series without observations are not written.
// Thread safety: at() and render() are safe from any thread.
class HistogramFamily {
 public:
  // Throws std::invalid_argument for an invalid name or bounds (a programming error).
  HistogramFamily(std::string name, std::string help, BoundedLabel label,
                  std::vector<double> upper_bounds);

  Histogram& at(std::string_view value) { return *histograms_[label_.index_of(value)]; }
  const Histogram& at(std::string_view value) const { return *histograms_[label_.index_of(value)]; }
  void render(ExpositionWriter& writer) const;

 private:
  std::string name_;
  std::string help_;
  BoundedLabel label_;
  std::vector<std::unique_ptr<Histogram>> histograms_;
};

}  // namespace bmcp::metrics
