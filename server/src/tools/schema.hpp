#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "core/json_text.hpp"

namespace bmcp::tools {

// Builds a tool's inputSchema: {"type":"object","properties":{...},"required":[...]}.
// Each property has `type` (one name, or several such as {"string","null"}), a description
// and, when optional, its `default`.
class SchemaBuilder {
 public:
  SchemaBuilder& required(std::string_view name, const std::vector<std::string_view>& types,
                          std::string_view description);
  SchemaBuilder& optional(std::string_view name, const std::vector<std::string_view>& types,
                          json::value default_value, std::string_view description);
  // Restricts an array property's items to one type.
  SchemaBuilder& items(std::string_view name, std::string_view item_type);
  json::object build() const;

 private:
  json::object& add(std::string_view name, const std::vector<std::string_view>& types,
                    std::string_view description);

  json::object properties_;
  json::array required_;
};

}  // namespace bmcp::tools
