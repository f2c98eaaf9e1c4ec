#include "metrics/bounded_label.hpp"

#include <algorithm>
#include <stdexcept>

namespace bmcp::metrics {
namespace {

bool is_name_start(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_';
}

bool is_name_char(char c) {
  return is_name_start(c) || (c >= '0' && c <= '9');
}

}  // namespace

BoundedLabel::BoundedLabel(std::string name, std::vector<std::string> values, std::string other)
    : name_(std::move(name)), values_(std::move(values)), other_(std::move(other)) {
  if (!is_valid_label_name(name_))
    throw std::invalid_argument("invalid label name '" + name_ + "'");
  std::sort(values_.begin(), values_.end());
  if (std::adjacent_find(values_.begin(), values_.end()) != values_.end())
    throw std::invalid_argument("label '" + name_ + "' lists a value twice");
  if (std::binary_search(values_.begin(), values_.end(), other_))
    throw std::invalid_argument("label '" + name_ + "' lists its catch-all value '" + other_ + "'");
}

std::size_t BoundedLabel::index_of(std::string_view value) const {
  const auto found =
      std::lower_bound(values_.begin(), values_.end(), value,
                       [](const std::string& a, std::string_view b) { return a < b; });
  if (found == values_.end() || *found != value)
    return values_.size();
  return static_cast<std::size_t>(found - values_.begin());
}

const std::string& BoundedLabel::value_at(std::size_t index) const {
  return index < values_.size() ? values_[index] : other_;
}

bool is_valid_metric_name(std::string_view name) {
  if (name.empty() || !(is_name_start(name.front()) || name.front() == ':'))
    return false;
  return std::all_of(name.begin(), name.end(), [](char c) { return is_name_char(c) || c == ':'; });
}

bool is_valid_label_name(std::string_view name) {
  if (name.empty() || !is_name_start(name.front()) || name.starts_with("__"))
    return false;
  return std::all_of(name.begin(), name.end(), is_name_char);
}

}  // namespace bmcp::metrics
