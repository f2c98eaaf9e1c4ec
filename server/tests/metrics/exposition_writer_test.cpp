#include "metrics/exposition_writer.hpp"

#include <gtest/gtest.h>

#include <cmath>

namespace bmcp::metrics {
namespace {

TEST(ExpositionWriter, WritesHelpTypeAndSamples) {
  ExpositionWriter writer;
  writer.family("blender_mcp_sessions", MetricType::kGauge, "Open MCP sessions.");
  writer.sample("blender_mcp_sessions", {}, std::uint64_t{3});
  writer.family("blender_mcp_http_responses_total", MetricType::kCounter, "Responses.");
  writer.sample("blender_mcp_http_responses_total", {{"code", "200"}, {"class", "2xx"}},
                std::uint64_t{7});
  EXPECT_EQ(writer.text(),
            "# HELP blender_mcp_sessions Open MCP sessions.\n"
            "# TYPE blender_mcp_sessions gauge\n"
            "blender_mcp_sessions 3\n"
            "# HELP blender_mcp_http_responses_total Responses.\n"
            "# TYPE blender_mcp_http_responses_total counter\n"
            "blender_mcp_http_responses_total{code=\"200\",class=\"2xx\"} 7\n");
}

TEST(ExpositionWriter, EscapesLabelValuesAndHelpText) {
  ExpositionWriter writer;
  writer.family("m", MetricType::kCounter, "a\\b\nc \"q\"");
  writer.sample("m", {{"v", "x\"y\\z\nw"}}, std::uint64_t{1});
  EXPECT_EQ(writer.text(),
            "# HELP m a\\\\b\\nc \"q\"\n"
            "# TYPE m counter\n"
            "m{v=\"x\\\"y\\\\z\\nw\"} 1\n");
}

TEST(ExpositionWriter, WritesAHistogramsBucketsSumAndCount) {
  Histogram histogram({0.5, 1});
  histogram.observe(0.25);
  histogram.observe(2);
  ExpositionWriter writer;
  writer.family("d_seconds", MetricType::kHistogram, "Durations.");
  writer.histogram("d_seconds", {{"tool", "t"}}, histogram.snapshot());
  EXPECT_EQ(writer.text(),
            "# HELP d_seconds Durations.\n"
            "# TYPE d_seconds histogram\n"
            "d_seconds_bucket{tool=\"t\",le=\"0.5\"} 1\n"
            "d_seconds_bucket{tool=\"t\",le=\"1\"} 1\n"
            "d_seconds_bucket{tool=\"t\",le=\"+Inf\"} 2\n"
            "d_seconds_sum{tool=\"t\"} 2.25\n"
            "d_seconds_count{tool=\"t\"} 2\n");
}

TEST(FormatValue, UsesTheFormatsSpellings) {
  EXPECT_EQ(format_value(1.0), "1");
  EXPECT_EQ(format_value(0.005), "0.005");
  EXPECT_EQ(format_value(1e21), "1e+21");
  EXPECT_EQ(format_value(INFINITY), "+Inf");
  EXPECT_EQ(format_value(-INFINITY), "-Inf");
  EXPECT_EQ(format_value(std::nan("")), "NaN");
}

TEST(ExpositionWriter, SingleWritesAFamilyWithOneSample) {
  ExpositionWriter writer;
  writer.single("x_total", MetricType::kCounter, "X.", 5);
  EXPECT_EQ(writer.text(), "# HELP x_total X.\n# TYPE x_total counter\nx_total 5\n");
}

}  // namespace
}  // namespace bmcp::metrics
