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

// Which executables a caller's `blender_path` may make the checks run.
enum class BlenderChoice {
  // Any executable file (the stdio build: the caller is the person whose machine it is).
  kAnyExecutable,
  // Only the Blender that discovery finds (BLENDER_MCP_BLENDER_PATH, PATH, the usual
  // locations): a `blender_path` that is not exactly that path is refused with
  // `blender_path_not_allowed` before anything runs, whether or not it exists (HTTP build).
  kDiscoveredOnly,
};

// The results of the five diagnostics tools (contract §5.3). Each blocks on the filesystem,
// /proc or a Blender child process: run them on a worker thread, never on an I/O thread.
json::object check_status(const DiagnosticsHost& host);
json::object find_blender_result(const DiagnosticsHost& host);
json::object list_running_result(const DiagnosticsHost& host);
// `blender_path`: the caller's path, or nullopt (or empty) to discover Blender.
json::object check_addon_installed(const DiagnosticsHost& host,
                                   const std::optional<std::string>& blender_path,
                                   BlenderChoice choice);
json::object install_addon(const DiagnosticsHost& host,
                           const std::optional<std::string>& blender_path, BlenderChoice choice);

// What check_status found, and the one-sentence next step it implies.
struct Diagnosis {
  bool blender_installed = false;
  bool addon_installed = false;
  std::optional<bool> addon_enabled;
  std::size_t running_instances = 0;
};
std::string next_step(const Diagnosis& diagnosis);

// {"pid", "executable", "is_gui", "command", "started_at"}: `command` is the executable again
// (the key the contract names, kept for clients that read it), never the arguments. There is
// no version: it would take running the program with --version.
json::object process_json(const host::BlenderProcess& process);

}  // namespace bmcp::tools
