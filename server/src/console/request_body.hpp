#pragma once

#include <initializer_list>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "console/web.hpp"
#include "core/result.hpp"

namespace bmcp::console {

// The request's body as a JSON object whose fields are all among `allowed`; otherwise the
// refusal: 415 when it is not application/json, 400 naming what is wrong.
Result<json::object, WebReply> json_body(const WebRequest& request,
                                         std::initializer_list<std::string_view> allowed);
// Field `name` as a non-empty string of at most `max_bytes`; nullopt when absent and not
// `required`; otherwise the 400 naming the field.
Result<std::optional<std::string>, WebReply> string_field(const json::object& body,
                                                          std::string_view name, bool required,
                                                          std::size_t max_bytes = 1024);
// Field `roles`: a non-empty array of distinct role names (letters, digits, _ and -, at most
// 32 characters); nullopt when absent and not `required`; otherwise the 400.
Result<std::optional<std::vector<std::string>>, WebReply> roles_field(const json::object& body,
                                                                      bool required);

}  // namespace bmcp::console
