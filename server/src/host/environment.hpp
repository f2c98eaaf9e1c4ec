#pragma once

#include <functional>
#include <optional>
#include <string>

namespace bmcp::host {

// Reads one environment variable; nullopt when unset. Injected so that tests point HOME,
// PATH and the BLENDER_MCP_* settings at temporary directories without touching the process.
using EnvLookup = std::function<std::optional<std::string>(const char* name)>;

// The process environment (getenv). Safe as long as nothing calls setenv while serving.
std::optional<std::string> process_env(const char* name);

// The variable's value when set and non-empty.
std::optional<std::string> non_empty_env(const EnvLookup& env, const char* name);

}  // namespace bmcp::host
