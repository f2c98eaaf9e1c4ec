#include "metrics/families.hpp"

#include <stdexcept>

namespace bmcp::metrics {
namespace {

void require_metric_name(const std::string& name) {
  if (!is_valid_metric_name(name))
    throw std::invalid_argument("invalid metric name '" + name + "'");
}

}  // namespace

CounterFamily::CounterFamily(std::string name, std::string help, std::vector<BoundedLabel> labels,
                             Series series)
    : name_(std::move(name)), help_(std::move(help)), labels_(std::move(labels)), series_(series) {
  require_metric_name(name_);
  for (const auto& label : labels_)
    size_ *= label.size();
  counters_ = std::make_unique<Counter[]>(size_);
}

std::size_t CounterFamily::index_of(std::initializer_list<std::string_view> values) const {
  if (values.size() != labels_.size()) {
    throw std::invalid_argument(name_ + " takes " + std::to_string(labels_.size()) +
                                " label values, got " + std::to_string(values.size()));
  }
  // Row-major: the last label varies fastest.
  std::size_t index = 0;
  auto value = values.begin();
  for (const auto& label : labels_)
    index = index * label.size() + label.index_of(*value++);
  return index;
}

Counter& CounterFamily::at(std::initializer_list<std::string_view> values) {
  return counters_[index_of(values)];
}

const Counter& CounterFamily::at(std::initializer_list<std::string_view> values) const {
  return counters_[index_of(values)];
}

void CounterFamily::render(ExpositionWriter& writer) const {
  writer.family(name_, MetricType::kCounter, help_);
  Labels labels(labels_.size());
  for (std::size_t flat = 0; flat < size_; ++flat) {
    const std::uint64_t value = counters_[flat].value();
    if (value == 0 && series_ == Series::kMoved)
      continue;
    std::size_t rest = flat;
    for (std::size_t i = labels_.size(); i-- > 0;) {
      const auto& label = labels_[i];
      labels[i] = {label.name(), label.value_at(rest % label.size())};
      rest /= label.size();
    }
    writer.sample(name_, labels, value);
  }
}

HistogramFamily::HistogramFamily(std::string name, std::string help, BoundedLabel label,
                                 std::vector<double> upper_bounds)
    : name_(std::move(name)), help_(std::move(help)), label_(std::move(label)) {
  require_metric_name(name_);
  histograms_.reserve(label_.size());
  for (std::size_t i = 0; i < label_.size(); ++i)
    histograms_.push_back(std::make_unique<Histogram>(upper_bounds));
}

void HistogramFamily::render(ExpositionWriter& writer) const {
  writer.family(name_, MetricType::kHistogram, help_);
  for (std::size_t i = 0; i < histograms_.size(); ++i) {
    const auto snapshot = histograms_[i]->snapshot();
    if (snapshot.count == 0)
      continue;
    writer.histogram(name_, {{label_.name(), label_.value_at(i)}}, snapshot);
  }
}

}  // namespace bmcp::metrics
