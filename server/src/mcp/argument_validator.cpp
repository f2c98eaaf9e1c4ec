#include "mcp/argument_validator.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <charconv>
#include <cmath>
#include <optional>
#include <vector>

namespace bmcp::mcp {
namespace {

std::string_view type_of(const json::value& value) {
  switch (value.kind()) {
    case json::kind::string:
      return "string";
    case json::kind::int64:
    case json::kind::uint64:
      return "integer";
    case json::kind::double_:
      return "number";
    case json::kind::bool_:
      return "boolean";
    case json::kind::array:
      return "array";
    case json::kind::object:
      return "object";
    case json::kind::null:
      return "null";
  }
  return "unknown";
}

std::optional<json::value> as_number(const json::value& value, bool integer_only) {
  if (value.is_int64() || value.is_uint64())
    return value;
  if (value.is_double()) {
    const double d = value.as_double();
    if (!integer_only)
      return value;
    if (std::isfinite(d) && std::floor(d) == d && std::fabs(d) < 9e15) {
      return json::value(static_cast<std::int64_t>(d));
    }
    return std::nullopt;
  }
  if (!value.is_string())
    return std::nullopt;
  const std::string text(value.as_string());
  if (text.empty())
    return std::nullopt;
  std::int64_t as_int = 0;
  auto [int_end, int_error] = std::from_chars(text.data(), text.data() + text.size(), as_int);
  if (int_error == std::errc() && int_end == text.data() + text.size())
    return json::value(as_int);
  if (integer_only)
    return std::nullopt;
  double as_double = 0;
  auto [dbl_end, dbl_error] = std::from_chars(text.data(), text.data() + text.size(), as_double);
  if (dbl_error == std::errc() && dbl_end == text.data() + text.size() &&
      std::isfinite(as_double)) {
    return json::value(as_double);
  }
  return std::nullopt;
}

// Returns the accepted (possibly coerced) value, or nullopt when no allowed type fits.
std::optional<json::value> conform(const json::value& value,
                                   const std::vector<std::string>& types) {
  if (types.empty())
    return value;
  for (const auto& type : types) {
    if (type == type_of(value))
      return value;
    if (type == "number" && (value.is_int64() || value.is_uint64()))
      return value;
  }
  for (const auto& type : types) {
    if (type == "integer" || type == "number") {
      if (auto number = as_number(value, type == "integer"))
        return number;
    }
  }
  return std::nullopt;
}

std::vector<std::string> allowed_types(const json::object& property) {
  std::vector<std::string> types;
  const auto* type = property.if_contains("type");
  if (!type)
    return types;
  if (type->is_string())
    types.emplace_back(type->as_string());
  if (type->is_array()) {
    for (const auto& entry : type->as_array()) {
      if (entry.is_string())
        types.emplace_back(entry.as_string());
    }
  }
  return types;
}

std::string join(const std::vector<std::string>& parts, std::string_view separator) {
  std::string out;
  for (const auto& part : parts) {
    if (!out.empty())
      out += separator;
    out += part;
  }
  return out;
}

struct BadItem {
  std::size_t index;
  std::string expected;
  std::string_view actual;
};

// For an array parameter whose schema has `items` with a `type`: the first element of
// another type (no coercion inside arrays).
std::optional<BadItem> first_bad_item(const json::object& property, const json::value& value) {
  const auto* items = find_object(property, "items");
  if (!items || !value.is_array())
    return std::nullopt;
  const auto types = allowed_types(*items);
  if (types.empty())
    return std::nullopt;
  const auto& array = value.get_array();
  for (std::size_t i = 0; i < array.size(); ++i) {
    const auto actual = type_of(array[i]);
    const bool fits = std::any_of(types.begin(), types.end(), [&](const std::string& type) {
      return type == actual || (type == "number" && actual == "integer");
    });
    if (!fits)
      return BadItem{i, join(types, " or "), actual};
  }
  return std::nullopt;
}

}  // namespace

Result<json::object, std::string> validate_arguments(const json::object& input_schema,
                                                     const json::value& arguments) {
  if (!arguments.is_object() && !arguments.is_null()) {
    return Unexpected{std::string("arguments must be an object")};
  }
  json::object result = arguments.is_object() ? arguments.as_object() : json::object{};
  for (auto it = result.begin(); it != result.end();) {
    it = it->value().is_null() ? result.erase(it) : std::next(it);
  }

  if (const auto* properties = find_object(input_schema, "properties")) {
    for (const auto& [name, schema] : *properties) {
      auto found = result.find(name);
      if (found == result.end() || !schema.is_object())
        continue;
      const auto types = allowed_types(schema.as_object());
      auto accepted = conform(found->value(), types);
      if (!accepted) {
        return Unexpected{fmt::format("parameter '{}' must be {}, got {}", std::string_view(name),
                                      join(types, " or "), type_of(found->value()))};
      }
      if (auto bad_item = first_bad_item(schema.as_object(), *accepted)) {
        return Unexpected{fmt::format("parameter '{}' must be an array of {}, item {} is {}",
                                      std::string_view(name), bad_item->expected, bad_item->index,
                                      bad_item->actual)};
      }
      if (const auto* choices = schema.as_object().if_contains("enum");
          choices && choices->is_array()) {
        const auto& list = choices->as_array();
        if (std::find(list.begin(), list.end(), *accepted) == list.end()) {
          return Unexpected{fmt::format("parameter '{}' must be one of {}", std::string_view(name),
                                        to_json_text(list))};
        }
      }
      found->value() = std::move(*accepted);
    }
  }

  if (const auto* required = input_schema.if_contains("required");
      required && required->is_array()) {
    for (const auto& name : required->as_array()) {
      if (name.is_string() && !result.contains(name.as_string())) {
        return Unexpected{
            fmt::format("missing required parameter '{}'", std::string_view(name.as_string()))};
      }
    }
  }
  return result;
}

}  // namespace bmcp::mcp
