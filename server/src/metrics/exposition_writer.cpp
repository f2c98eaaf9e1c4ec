#include "metrics/exposition_writer.hpp"

#include <fmt/format.h>

#include <cmath>

namespace bmcp::metrics {
namespace {

std::string_view type_word(MetricType type) {
  switch (type) {
    case MetricType::kCounter:
      return "counter";
    case MetricType::kGauge:
      return "gauge";
    case MetricType::kHistogram:
      return "histogram";
  }
  return "untyped";
}

// HELP text escapes backslash and line feed; label values also the double quote.
void append_escaped(std::string& out, std::string_view text, bool quote) {
  for (const char c : text) {
    if (c == '\\')
      out += "\\\\";
    else if (c == '\n')
      out += "\\n";
    else if (quote && c == '"')
      out += "\\\"";
    else
      out += c;
  }
}

}  // namespace

std::string format_value(double value) {
  if (std::isnan(value))
    return "NaN";
  if (std::isinf(value))
    return value > 0 ? "+Inf" : "-Inf";
  return fmt::format("{}", value);
}

void ExpositionWriter::family(std::string_view name, MetricType type, std::string_view help) {
  text_ += "# HELP ";
  text_ += name;
  text_ += ' ';
  append_escaped(text_, help, false);
  text_ += "\n# TYPE ";
  text_ += name;
  text_ += ' ';
  text_ += type_word(type);
  text_ += '\n';
}

void ExpositionWriter::write_labels(const Labels& labels, std::string_view extra_name,
                                    std::string_view extra_value) {
  if (labels.empty() && extra_name.empty())
    return;
  text_ += '{';
  bool first = true;
  auto pair = [this, &first](std::string_view name, std::string_view value) {
    if (!first)
      text_ += ',';
    first = false;
    text_ += name;
    text_ += "=\"";
    append_escaped(text_, value, true);
    text_ += '"';
  };
  for (const auto& [name, value] : labels)
    pair(name, value);
  if (!extra_name.empty())
    pair(extra_name, extra_value);
  text_ += '}';
}

void ExpositionWriter::sample(std::string_view name, const Labels& labels, std::uint64_t value) {
  text_ += name;
  write_labels(labels);
  text_ += ' ';
  text_ += fmt::format("{}", value);
  text_ += '\n';
}

void ExpositionWriter::sample(std::string_view name, const Labels& labels, double value) {
  text_ += name;
  write_labels(labels);
  text_ += ' ';
  text_ += format_value(value);
  text_ += '\n';
}

void ExpositionWriter::histogram(std::string_view name, const Labels& labels,
                                 const HistogramSnapshot& snapshot) {
  const std::string bucket = fmt::format("{}_bucket", name);
  for (std::size_t i = 0; i < snapshot.upper_bounds.size(); ++i) {
    text_ += bucket;
    write_labels(labels, "le", format_value(snapshot.upper_bounds[i]));
    text_ += fmt::format(" {}\n", snapshot.cumulative_counts[i]);
  }
  text_ += bucket;
  write_labels(labels, "le", "+Inf");
  text_ += fmt::format(" {}\n", snapshot.count);
  sample(fmt::format("{}_sum", name), labels, snapshot.sum);
  sample(fmt::format("{}_count", name), labels, snapshot.count);
}

void ExpositionWriter::single(std::string_view name, MetricType type, std::string_view help,
                              std::uint64_t value) {
  family(name, type, help);
  sample(name, {}, value);
}

}  // namespace bmcp::metrics
