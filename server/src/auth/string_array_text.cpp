#include "auth/string_array_text.hpp"

#include <boost/json/array.hpp>

#include "core/json_text.hpp"

namespace bmcp::auth {

std::string to_string_array_text(const std::vector<std::string>& items) {
  json::array array;
  for (const auto& item : items) {
    array.emplace_back(item);
  }
  return to_json_text(array);
}

std::optional<std::vector<std::string>> parse_string_array_text(std::string_view text) {
  const auto parsed = parse_json(text);
  const auto* array = parsed ? parsed->if_array() : nullptr;
  if (array == nullptr) {
    return std::nullopt;
  }
  std::vector<std::string> items;
  for (const auto& item : *array) {
    const auto* string = item.if_string();
    if (string == nullptr) {
      return std::nullopt;
    }
    items.emplace_back(*string);
  }
  return items;
}

}  // namespace bmcp::auth
