#include "metrics/families.hpp"

#include <gtest/gtest.h>

#include <stdexcept>
#include <thread>
#include <vector>

namespace bmcp::metrics {
namespace {

TEST(CounterFamily, WritesEveryCombinationWithOtherLast) {
  CounterFamily family("c_total", "C.", {BoundedLabel("type", {"llm", "blender"})});
  family.at({"blender"}).add(2);
  family.at({"someone's own type"}).add();
  ExpositionWriter writer;
  family.render(writer);
  EXPECT_EQ(writer.text(),
            "# HELP c_total C.\n# TYPE c_total counter\n"
            "c_total{type=\"blender\"} 2\n"
            "c_total{type=\"llm\"} 0\n"
            "c_total{type=\"other\"} 1\n");
}

TEST(CounterFamily, TwoLabelsIndexRowMajorAndMovedSeriesOnly) {
  CounterFamily family("d_total", "D.",
                       {BoundedLabel("tool", {"a", "b"}), BoundedLabel("status", {"ok", "failed"})},
                       Series::kMoved);
  family.at({"b", "failed"}).add();
  family.at({"a", "ok"}).add(3);
  family.at({"zzz", "weird"}).add();
  EXPECT_EQ(family.at({"b", "failed"}).value(), 1u);
  EXPECT_EQ(family.at({"a", "failed"}).value(), 0u);
  ExpositionWriter writer;
  family.render(writer);
  EXPECT_EQ(writer.text(),
            "# HELP d_total D.\n# TYPE d_total counter\n"
            "d_total{tool=\"a\",status=\"ok\"} 3\n"
            "d_total{tool=\"b\",status=\"failed\"} 1\n"
            "d_total{tool=\"other\",status=\"other\"} 1\n");
}

TEST(CounterFamily, RefusesTheWrongNumberOfValuesAndBadNames) {
  CounterFamily family("e_total", "E.", {BoundedLabel("x", {"a"})});
  EXPECT_THROW(family.at({"a", "b"}), std::invalid_argument);
  EXPECT_THROW(CounterFamily("bad-name", "B.", {}), std::invalid_argument);
}

TEST(CounterFamily, IncrementsFromManyThreadsAreAllCounted) {
  CounterFamily family("f_total", "F.", {BoundedLabel("x", {"a", "b"})});
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&family, t] {
      for (int i = 0; i < 10000; ++i)
        family.at({t % 2 ? "a" : "b"}).add();
    });
  }
  for (auto& thread : threads)
    thread.join();
  EXPECT_EQ(family.at({"a"}).value(), 20000u);
  EXPECT_EQ(family.at({"b"}).value(), 20000u);
}

TEST(HistogramFamily, WritesOnlySeriesWithObservations) {
  HistogramFamily family("h_seconds", "H.", BoundedLabel("tool", {"a", "b"}), {1});
  family.at("b").observe(0.5);
  family.at("unknown").observe(3);
  ExpositionWriter writer;
  family.render(writer);
  EXPECT_EQ(writer.text(),
            "# HELP h_seconds H.\n# TYPE h_seconds histogram\n"
            "h_seconds_bucket{tool=\"b\",le=\"1\"} 1\n"
            "h_seconds_bucket{tool=\"b\",le=\"+Inf\"} 1\n"
            "h_seconds_sum{tool=\"b\"} 0.5\n"
            "h_seconds_count{tool=\"b\"} 1\n"
            "h_seconds_bucket{tool=\"other\",le=\"1\"} 0\n"
            "h_seconds_bucket{tool=\"other\",le=\"+Inf\"} 1\n"
            "h_seconds_sum{tool=\"other\"} 3\n"
            "h_seconds_count{tool=\"other\"} 1\n");
}

}  // namespace
}  // namespace bmcp::metrics
