#pragma once

#include <string_view>

namespace bmcp::tools {

// What the blender_dispatch_recipe prompt says about one addon command beyond the dispatch
// table (tools/dispatch_table.hpp): realistic example values, the preference gate and its
// status probe, and the decoded `result` shape (contract §9.12).
struct Recipe {
  std::string_view command;
  // A JSON object with example values for some of the tool's parameters; the others are shown
  // with their defaults.
  std::string_view example_values;
  std::string_view gate;   // the addon preference that must be on; empty when none
  std::string_view probe;  // the status tool to call first; empty when none
  std::string_view result_shape;
};

// The recipe of an addon command name; nullptr when there is none. Every row of the dispatch
// table has one.
const Recipe* find_recipe(std::string_view command);

}  // namespace bmcp::tools
