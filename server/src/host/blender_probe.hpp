#pragma once

#include <chrono>
#include <optional>
#include <span>
#include <string>
#include <string_view>

namespace bmcp::host {

// Both run Blender as a child process (host/program_runner) and block until it answers or the
// limit passes: call them off I/O threads. The server's secrets (withheld_from_blender()) are not
// passed on to Blender's environment.

// OAUTH_SECRET_KEY, JWT_SECRET, ADMIN_PASSWORD, DEMO_PASSWORD and the add-on's own credentials.
std::span<const std::string_view> withheld_from_blender();

// The version printed on the first line of `<blender> --version` ("3.4.1"); nullopt when the
// program cannot be run, times out, or prints something else.
std::optional<std::string> probe_blender_version(const std::string& blender_path,
                                                 std::chrono::milliseconds limit);

// Whether the add-on blender_mcp is enabled in the user's preferences, asked of Blender itself
// with `<blender> -b --python-expr <expr>` (without --factory-startup, so the preferences
// load). nullopt on any failure: not runnable, timed out, or no answer line in the output.
std::optional<bool> probe_addon_enabled(const std::string& blender_path,
                                        std::chrono::milliseconds limit);

// The expression passed to --python-expr, and the line it prints ("<marker>True" or
// "<marker>False").
inline constexpr std::string_view kAddonEnabledMarker = "BLENDER_MCP_ADDON_ENABLED=";
std::string addon_enabled_expression();
// The answer in a run's stdout; nullopt when no line starts with the marker.
std::optional<bool> parse_addon_enabled(std::string_view output);

}  // namespace bmcp::host
