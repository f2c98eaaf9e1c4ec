// The tool argument validator (mcp::validate_arguments): `params.arguments` of every tools/call.
// The input is JSON text: either `[schema, arguments]`, which fuzzes the schema too, or the
// arguments alone, checked against a schema shaped like the dispatch tools' (every type, a union
// with null, an enum, typed array items, required names). Beyond "no crash, no leak, no undefined
// behaviour":
//  - a refusal has a message;
//  - accepted arguments are an object without nulls that holds every required name, and
//    validating them again accepts them unchanged (coercion happens once).
#include "mcp/argument_validator.hpp"

#include <cstddef>
#include <cstdint>

#include "fuzz_support.hpp"

namespace {

using bmcp::fuzz::require;
namespace json = bmcp::json;

const json::object& tool_like_schema() {
  static const json::object schema = [] {
    auto parsed = bmcp::parse_json(R"({
      "type": "object",
      "properties": {
        "target_uuid": {"type": "string"},
        "object_name": {"type": ["string", "null"]},
        "frame": {"type": "integer"},
        "scale": {"type": "number"},
        "_timeout": {"type": ["number", "null"], "default": 30},
        "visible": {"type": "boolean"},
        "engine": {"type": "string", "enum": ["CYCLES", "BLENDER_EEVEE", 3]},
        "location": {"type": "array", "items": {"type": "number"}},
        "tags": {"type": "array", "items": {"type": ["string", "integer"]}},
        "settings": {"type": "object"},
        "anything": {}
      },
      "required": ["target_uuid", "frame"]
    })");
    return parsed->as_object();
  }();
  return schema;
}

void check(const json::object& schema, const json::value& arguments) {
  auto result = bmcp::mcp::validate_arguments(schema, arguments);
  if (!result) {
    require(!result.error().empty(), "a refusal has a message");
    return;
  }
  for (const auto& entry : *result)
    require(!entry.value().is_null(), "accepted arguments hold no nulls");
  if (const auto* required = schema.if_contains("required"); required && required->is_array()) {
    for (const auto& name : required->as_array()) {
      if (name.is_string())
        require(result->contains(name.as_string()), "accepted arguments hold every required name");
    }
  }
  auto again = bmcp::mcp::validate_arguments(schema, *result);
  require(again.ok(), "accepted arguments are accepted again");
  require(*again == *result, "accepted arguments are accepted again unchanged");
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const auto value = bmcp::parse_json(bmcp::fuzz::as_text(data, size));
  if (!value)
    return 0;
  if (const auto* pair = value->if_array(); pair && pair->size() == 2 && (*pair)[0].is_object()) {
    check((*pair)[0].as_object(), (*pair)[1]);
    return 0;
  }
  check(tool_like_schema(), *value);
  return 0;
}
