#include "tools/diagnostics_checks.hpp"

#include <fmt/format.h>

#include <system_error>

#include "host/blender_config.hpp"
#include "host/blender_probe.hpp"
#include "host/shipped_addon.hpp"
#include "host/tree_copy.hpp"

namespace bmcp::tools {
namespace {

namespace fs = std::filesystem;

constexpr std::string_view kInstallBlenderHint =
    "Install Blender 3.0+ from https://www.blender.org/download/";
constexpr std::string_view kInstallFirstHint =
    "Install Blender 3.0+ first (https://www.blender.org/download/), then re-run install_addon.";

// Blender's add-ons directory: needs its version (from `--version`) and the user's home.
struct AddonsLocation {
  std::optional<std::string> version;
  std::optional<fs::path> addons;  // <config>/scripts/addons
  std::optional<fs::path> config;  // <config>, e.g. ~/.config/blender/3.4
  std::string problem;             // why `addons` is unknown
};

AddonsLocation locate_addons(const DiagnosticsHost& host, const std::string& blender) {
  AddonsLocation location;
  location.version = host::probe_blender_version(blender, host.version_limit);
  const auto series = location.version ? host::major_minor(*location.version) : std::nullopt;
  if (!series) {
    location.problem = fmt::format(
        "Could not read the Blender version from `{} --version`, so its add-on directory is "
        "unknown.",
        blender);
    return location;
  }
  location.config = host::blender_config_dir(host.search.os, host.env, *series);
  if (!location.config) {
    location.problem = "The home directory is not set (HOME), so the add-on directory is unknown.";
    return location;
  }
  location.addons = host::addons_dir(*location.config);
  return location;
}

json::object error_result(std::string_view error, std::string_view key, std::string_view text) {
  return {{"status", "error"}, {"error", error}, {key, text}};
}

// The Blender to run, or why there is none.
struct ResolvedBlender {
  std::optional<std::string> path;      // set when Blender may be run
  std::optional<json::object> refusal;  // set when the caller's path is not allowed
};

json::object path_refusal(const std::optional<std::string>& discovered) {
  const auto found =
      discovered
          ? fmt::format("the one it found is {}; pass null or exactly that path", *discovered)
          : std::string(
                "it found none; pass null, and have the server's operator set "
                "BLENDER_MCP_BLENDER_PATH");
  return error_result(
      "blender_path_not_allowed", "detail",
      fmt::format("blender_path may only name the Blender this server discovered or was "
                  "configured with (BLENDER_MCP_BLENDER_PATH, PATH, the usual locations): {}. "
                  "Nothing was run.",
                  found));
}

// Without a path (or with an empty one): discovery. With one: under kAnyExecutable it must be
// an executable file; under kDiscoveredOnly it must equal the discovered path, and the answer
// does not depend on whether it exists, so it reveals nothing about the filesystem.
ResolvedBlender resolve_blender(const DiagnosticsHost& host,
                                const std::optional<std::string>& blender_path,
                                BlenderChoice choice) {
  const bool given = blender_path && !blender_path->empty();
  if (given && choice == BlenderChoice::kAnyExecutable) {
    if (host::is_executable_file(*blender_path))
      return {*blender_path, std::nullopt};
    return {};
  }
  auto discovered = host::find_blender(host.env, host.search).path;
  if (given && discovered != blender_path)
    return {std::nullopt, path_refusal(discovered)};
  return {std::move(discovered), std::nullopt};
}

// The package to copy: BLENDER_MCP_ADDON_DIR, else the configured or shipped copy. The
// directory may be the package itself or the directory holding blender_mcp/.
std::optional<fs::path> addon_package(const DiagnosticsHost& host, std::string& problem) {
  fs::path source;
  if (auto configured = host::non_empty_env(host.env, "BLENDER_MCP_ADDON_DIR"))
    source = *configured;
  else
    source = host.addon_source_dir.value_or(host::shipped_addon_dir());
  std::error_code error;
  if (fs::is_regular_file(source / "__init__.py", error))
    return source;
  const auto nested = source / std::string(host::kAddonPackage);
  if (fs::is_regular_file(nested / "__init__.py", error))
    return nested;
  problem = fmt::format(
      "No add-on package at {} (no __init__.py there or in {}/); set BLENDER_MCP_ADDON_DIR to "
      "the blender_mcp package directory.",
      source.string(), host::kAddonPackage);
  return std::nullopt;
}

}  // namespace

std::string next_step(const Diagnosis& diagnosis) {
  if (!diagnosis.blender_installed)
    return "Install Blender 3.0+ from https://www.blender.org/download/, then run "
           "blender_check_status again.";
  if (!diagnosis.addon_installed)
    return "Run blender_install_addon to install the BlenderMCP add-on into Blender.";
  if (diagnosis.addon_enabled != true)
    return "Enable BlenderMCP in Blender under Edit › Preferences › Add-ons, then start Blender "
           "and click Login then Connect in the BlenderMCP sidebar tab.";
  if (diagnosis.running_instances == 0)
    return "Start Blender and click Login then Connect in the BlenderMCP sidebar tab.";
  return "In the running Blender, click Login then Connect in the BlenderMCP sidebar tab "
         "(3D viewport, N panel) if it is not connected yet.";
}

json::object process_json(const host::BlenderProcess& process) {
  return {{"pid", process.pid},
          {"executable", process.executable},
          {"is_gui", process.is_gui},
          {"command", process.executable},
          {"started_at", process.started_at}};
}

json::object check_status(const DiagnosticsHost& host) {
  Diagnosis diagnosis;
  json::object found{{"blender_installed", false},
                     {"blender_path", nullptr},
                     {"blender_version", nullptr},
                     {"addon_installed", false},
                     {"addon_enabled", nullptr}};
  if (const auto blender = host::find_blender(host.env, host.search).path) {
    diagnosis.blender_installed = true;
    found["blender_installed"] = true;
    found["blender_path"] = *blender;
    const auto location = locate_addons(host, *blender);
    if (location.version)
      found["blender_version"] = *location.version;
    diagnosis.addon_installed = location.addons && host::addon_installed(*location.addons);
    found["addon_installed"] = diagnosis.addon_installed;
    // An add-on that is not there cannot be enabled; only an installed one needs Blender's
    // word. Without the add-on directory (version unknown) nothing is known.
    if (diagnosis.addon_installed)
      diagnosis.addon_enabled = host::probe_addon_enabled(*blender, host.addon_enabled_limit);
    else if (location.addons)
      diagnosis.addon_enabled = false;
    if (diagnosis.addon_enabled)
      found["addon_enabled"] = *diagnosis.addon_enabled;
  }
  json::array running;
  for (const auto& process : host::list_blender_processes(host.proc_root))
    running.push_back(process_json(process));
  diagnosis.running_instances = running.size();
  found["running_instances"] = std::move(running);
  return {
      {"status", "ok"}, {"diagnosis", std::move(found)}, {"instructions", next_step(diagnosis)}};
}

json::object find_blender_result(const DiagnosticsHost& host) {
  auto discovery = host::find_blender(host.env, host.search);
  if (discovery.path)
    return {{"status", "ok"}, {"found", true}, {"path", *discovery.path}};
  json::array searched;
  for (auto& path : discovery.searched)
    searched.emplace_back(std::move(path));
  return {{"status", "ok"},
          {"found", false},
          {"searched", std::move(searched)},
          {"hint", kInstallBlenderHint}};
}

json::object list_running_result(const DiagnosticsHost& host) {
  json::array running;
  std::int64_t gui = 0;
  for (const auto& process : host::list_blender_processes(host.proc_root)) {
    gui += process.is_gui ? 1 : 0;
    running.push_back(process_json(process));
  }
  const auto count = static_cast<std::int64_t>(running.size());
  return {{"status", "ok"}, {"running", std::move(running)}, {"count", count}, {"gui_count", gui}};
}

json::object check_addon_installed(const DiagnosticsHost& host,
                                   const std::optional<std::string>& blender_path,
                                   BlenderChoice choice) {
  const auto resolved = resolve_blender(host, blender_path, choice);
  if (resolved.refusal)
    return *resolved.refusal;
  const auto& blender = resolved.path;
  if (!blender)
    return error_result("blender_not_found", "hint", kInstallBlenderHint);
  const auto location = locate_addons(host, *blender);
  if (!location.addons)
    return {{"status", "ok"},
            {"installed", false},
            {"blender_path", *blender},
            {"detail", location.problem}};
  const auto init = host::addon_init_file(*location.addons).string();
  const bool installed = host::addon_installed(*location.addons);
  return {{"status", "ok"},
          {"installed", installed},
          {"blender_path", *blender},
          {"detail", installed ? fmt::format("Found {}", init)
                               : fmt::format("Not found: {}; run blender_install_addon.", init)}};
}

json::object install_addon(const DiagnosticsHost& host,
                           const std::optional<std::string>& blender_path, BlenderChoice choice) {
  const auto resolved = resolve_blender(host, blender_path, choice);
  if (resolved.refusal)
    return *resolved.refusal;
  const auto& blender = resolved.path;
  if (!blender)
    return error_result("blender_not_found", "hint", kInstallFirstHint);
  const auto location = locate_addons(host, *blender);
  if (!location.addons)
    return error_result("install_failed", "detail", location.problem);
  std::string problem;
  const auto package = addon_package(host, problem);
  if (!package)
    return error_result("install_failed", "detail", problem);
  auto copied =
      host::replace_directory(*package, *location.addons / std::string(host::kAddonPackage));
  if (!copied)
    return error_result("install_failed", "detail", copied.error());
  return {{"status", "ok"},
          {"installed", true},
          {"blender_path", *blender},
          {"detail", fmt::format("Installed to {}/scripts/addons/", location.config->string())}};
}

}  // namespace bmcp::tools
