#pragma once

#include <string>

#include "core/json_text.hpp"
#include "core/result.hpp"

namespace bmcp::mcp {

// Checks tool arguments against the subset of JSON Schema the tools use: `properties` with
// `type` (a name or a list of names), `enum`, `items.type` for arrays, and `required`. Explicit
// nulls are removed (they mean "use the default"), numeric strings are coerced for number and
// integer parameters, integral numbers are accepted as integers, and unknown extra arguments are
// kept and ignored. On failure the error text names the parameter and what was expected.
Result<json::object, std::string> validate_arguments(const json::object& input_schema,
                                                     const json::value& arguments);

}  // namespace bmcp::mcp
