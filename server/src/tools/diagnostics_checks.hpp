#pragma once

#include <chrono>
#include <filesystem>
#include <optional>
#include <string>

#include "core/json_text.hpp"
#include "host/blender_discovery.hpp"
#include "host/environment.hpp"
#include "host/process_table.hpp"

namespace bmcp::tools {

// Where the diagnostics look, and with what limits. Everything that touches the machine comes
// from here, so tests point it at temporary directories.
struct DiagnosticsHost {
  host::EnvLookup env = host::process_env;
  host::BlenderSearch search;  // OS and root of the usual locations
  std::filesystem::path proc_root = "/proc";
  // The add-on package when BLENDER_MCP_ADDON_DIR is unset; nullopt: host::shipped_addon_dir().
  std::optional<std::filesystem::path> addon_source_dir;
  std::chrono::milliseconds version_limit = std::chrono::seconds(30);
  std::chrono::milliseconds addon_enabled_limit = std::chrono::seconds(30);  // contract §5.3
};

// The results of the five diagnostics tools (contract §5.3). Each blocks on the filesystem,
// /proc or a Blender child process: run them on a worker thread, never on an I/O thread.
json::object check_status(const DiagnosticsHost& host);
json::object find_blender_result(const DiagnosticsHost& host);
json::object list_running_result(const DiagnosticsHost& host);
// `blender_path`: the caller's path, or nullopt to discover Blender.
json::object check_addon_installed(const DiagnosticsHost& host,
                                   const std::optional<std::string>& blender_path);
json::object install_addon(const DiagnosticsHost& host,
                           const std::optional<std::string>& blender_path);

// What check_status found, and the one-sentence next step it implies.
struct Diagnosis {
  bool blender_installed = false;
  bool addon_installed = false;
  std::optional<bool> addon_enabled;
  std::size_t running_instances = 0;
};
std::string next_step(const Diagnosis& diagnosis);

json::object process_json(const host::BlenderProcess& process);

}  // namespace bmcp::tools
