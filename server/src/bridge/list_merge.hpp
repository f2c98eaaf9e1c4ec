#pragma once

#include <string_view>

#include "core/json_text.hpp"

namespace bmcp::bridge {

// Merges two listings of named entries (tools or prompts, each an object with "name"): the
// remote order is kept, an entry that both have is taken from `local` (local diagnostics
// inspect the machine the client runs on), and local entries the remote lacks come last.
json::array merge_by_name(const json::array& local, const json::array& remote);

}  // namespace bmcp::bridge
