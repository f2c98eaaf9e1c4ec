#include "core/json_text.hpp"

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

namespace bmcp {

std::optional<json::value> parse_json(std::string_view text) {
  boost::system::error_code ec;
  json::value value = json::parse(text, ec);
  if (ec)
    return std::nullopt;
  return value;
}

std::string to_json_text(const json::value& value) {
  return json::serialize(value);
}

const json::object* find_object(const json::object& object, std::string_view key) {
  const auto* found = object.if_contains(key);
  return found ? found->if_object() : nullptr;
}

const json::string* find_string(const json::object& object, std::string_view key) {
  const auto* found = object.if_contains(key);
  return found ? found->if_string() : nullptr;
}

}  // namespace bmcp
