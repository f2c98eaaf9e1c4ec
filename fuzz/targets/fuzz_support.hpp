#pragma once

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string_view>

#include "core/json_text.hpp"

namespace bmcp::fuzz {

// A property of the code under test that the input broke: say which and abort, which libFuzzer
// records as a crash and saves with the input that caused it.
inline void require(bool holds, const char* property) {
  if (holds)
    return;
  std::fprintf(stderr, "fuzz property violated: %s\n", property);
  std::abort();
}

inline std::string_view as_text(const std::uint8_t* data, std::size_t size) {
  return {reinterpret_cast<const char*>(data), size};
}

// Equal JSON values, except that doubles may differ in their last bits: Boost.JSON 1.81 reads
// decimal text with a fast algorithm that can be one unit in the last place off, so a value that
// was written and read back is the same number, not always the same bits.
inline bool same_json(const json::value& a, const json::value& b) {
  if (a.is_double() && b.is_double()) {
    const double x = a.get_double();
    const double y = b.get_double();
    return x == y || std::fabs(x - y) <= 1e-15 * std::max(std::fabs(x), std::fabs(y));
  }
  if (a.kind() != b.kind())
    return false;
  if (a.is_array()) {
    const auto& left = a.get_array();
    const auto& right = b.get_array();
    return left.size() == right.size() &&
           std::equal(left.begin(), left.end(), right.begin(), same_json);
  }
  if (a.is_object()) {
    const auto& left = a.get_object();
    const auto& right = b.get_object();
    if (left.size() != right.size())
      return false;
    return std::all_of(left.begin(), left.end(), [&right](const auto& entry) {
      const auto* other = right.if_contains(entry.key());
      return other && same_json(entry.value(), *other);
    });
  }
  return a == b;
}

}  // namespace bmcp::fuzz
