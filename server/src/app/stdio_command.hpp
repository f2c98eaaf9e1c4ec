#pragma once

#include <functional>
#include <optional>
#include <string>

namespace bmcp::app {

// `blender-mcp stdio` (contract §10): alone, the diagnostics tools and guidance prompts over
// stdio; with --server, a bridge that adds everything the HTTP server offers.
struct StdioFlags {
  std::optional<std::string> server;        // URL of a running blender-mcp HTTP server
  std::optional<std::string> username;      // with password_env
  std::optional<std::string> password_env;  // name of the variable holding the password
  std::optional<std::string> token_env;     // name of the variable holding an access token
};

// Checks the flags and the variables they name; the error says what is missing or wrong.
std::optional<std::string> check_stdio_flags(
    const StdioFlags& flags,
    const std::function<std::optional<std::string>(const std::string&)>& env);

// Serves stdin/stdout until end of input. Returns the process exit status: 0 after end of
// input, 1 when the bridge cannot reach or log in to the server, 2 for bad flags.
int run_stdio(const StdioFlags& flags);

}  // namespace bmcp::app
