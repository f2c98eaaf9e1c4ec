#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace bmcp::auth {

// How both user stores keep roles and scopes in one column: a JSON array of strings.
std::string to_string_array_text(const std::vector<std::string>& items);
// nullopt unless `text` is a JSON array whose items are all strings.
std::optional<std::vector<std::string>> parse_string_array_text(std::string_view text);

}  // namespace bmcp::auth
