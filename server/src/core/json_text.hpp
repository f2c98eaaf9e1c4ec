#pragma once

#include <boost/json/value.hpp>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

namespace bmcp {

namespace json = boost::json;

// Parses UTF-8 JSON text; nullopt when it is not one complete JSON value, or when a number in it
// is beyond the range of a double (1e400): JSON has no infinity to hold it, and it could not be
// written back. Nesting deeper than 32 levels is refused (Boost.JSON's default).
std::optional<json::value> parse_json(std::string_view text);
// Compact single-line serialization (no embedded newlines, as SSE `data:` lines need).
// Doubles are written in their shortest round-trip form, in plain notation when that is
// shorter (wire timestamps read 1763726432.004), and always with a fraction or exponent.
std::string to_json_text(const json::value& value);
// Appends `text` as the JSON string to_json_text() writes for it (quoted and escaped).
void append_json_string(std::string& out, std::string_view text);
// Appends what to_json_text(value) returns.
void append_json_text(std::string& out, const json::value& value);
void append_json_text(std::string& out, const json::object& object);

// Typed lookups that return nullptr/nullopt when the key is absent or of another type.
const json::object* find_object(const json::object& object, std::string_view key);
const json::string* find_string(const json::object& object, std::string_view key);

}  // namespace bmcp
