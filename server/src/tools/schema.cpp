#include "tools/schema.hpp"

namespace bmcp::tools {

json::object& SchemaBuilder::add(std::string_view name, const std::vector<std::string_view>& types,
                                 std::string_view description) {
  json::value type;
  if (types.size() == 1) {
    type = *types.begin();
  } else {
    json::array names;
    for (auto t : types)
      names.emplace_back(t);
    type = std::move(names);
  }
  auto& property = properties_[name].emplace_object();
  property["type"] = std::move(type);
  property["description"] = description;
  return property;
}

SchemaBuilder& SchemaBuilder::required(std::string_view name,
                                       const std::vector<std::string_view>& types,
                                       std::string_view description) {
  add(name, types, description);
  required_.emplace_back(name);
  return *this;
}

SchemaBuilder& SchemaBuilder::optional(std::string_view name,
                                       const std::vector<std::string_view>& types,
                                       json::value default_value, std::string_view description) {
  add(name, types, description)["default"] = std::move(default_value);
  return *this;
}

SchemaBuilder& SchemaBuilder::items(std::string_view name, std::string_view item_type) {
  properties_[name].as_object()["items"] = json::object{{"type", item_type}};
  return *this;
}

json::object SchemaBuilder::build() const {
  json::object schema{{"type", "object"}, {"properties", properties_}};
  if (!required_.empty())
    schema["required"] = required_;
  return schema;
}

}  // namespace bmcp::tools
