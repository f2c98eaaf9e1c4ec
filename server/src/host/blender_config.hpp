#pragma once

#include <filesystem>
#include <optional>
#include <string>
#include <string_view>

#include "host/environment.hpp"
#include "host/host_os.hpp"

namespace bmcp::host {

// The version from the first line of `blender --version` ("Blender 3.4.1" -> "3.4.1"; a
// suffix such as " (hash abc)" or "Blender 4.2.0 Alpha" is ignored). nullopt when the first
// line does not start with "Blender " followed by a dotted version of at least two numbers.
std::optional<std::string> parse_blender_version(std::string_view output);

// "3.4.1" -> "3.4": the name of Blender's per-version configuration directory.
std::optional<std::string> major_minor(std::string_view version);

// The user's configuration directory of Blender <X.Y> (contract §5.3): Linux
// $HOME/.config/blender/<X.Y>; macOS $HOME/Library/Application Support/Blender/<X.Y>;
// Windows %APPDATA%\Blender Foundation\Blender\<X.Y>. nullopt when HOME (APPDATA) is unset.
std::optional<std::filesystem::path> blender_config_dir(HostOs os, const EnvLookup& env,
                                                        std::string_view major_minor_version);

// <config dir>/scripts/addons, where add-ons are installed.
std::filesystem::path addons_dir(const std::filesystem::path& config_dir);

// The add-on package name and the test for "installed": <addons>/blender_mcp/__init__.py.
inline constexpr std::string_view kAddonPackage = "blender_mcp";
std::filesystem::path addon_init_file(const std::filesystem::path& addons);
bool addon_installed(const std::filesystem::path& addons);

}  // namespace bmcp::host
