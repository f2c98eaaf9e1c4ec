#pragma once

#include "core/thread_pool.hpp"
#include "mcp/registry.hpp"
#include "tools/diagnostics_checks.hpp"

namespace bmcp::tools {

// Who calls the diagnostics, and so what they may make the server's machine do.
enum class DiagnosticsAccess {
  // HTTP build: the callers are other people. Every diagnostics tool needs the role `admin`
  // (else `forbidden`), and only the Blender the server discovered or an operator configured is
  // ever run: a `blender_path` that is not exactly that executable is refused.
  kAdminsWithDiscoveredBlender,
  // stdio build: the caller is the person whose machine it is. No role check, and
  // `blender_path` may name any executable file.
  kMachineOwner,
};

struct DiagnosticsOptions {
  DiagnosticsAccess access = DiagnosticsAccess::kAdminsWithDiscoveredBlender;
  // Where the checks look (environment, filesystem root, /proc, add-on source, limits).
  DiagnosticsHost host;
  // Runs the checks: they block on the filesystem and on Blender child processes (up to the
  // limits in `host`), so they never run on the thread that received the request. Must outlive
  // the registry's use. REQUIRES non-null.
  ThreadPool* workers = nullptr;
};

// Registers the five diagnostics tools (contract §5.3), in contract order:
// blender_check_status, blender_find_blender, blender_list_running_blender,
// blender_check_addon_installed, blender_install_addon. Each answers later, from a worker.
void add_diagnostics_tools(mcp::Registry& registry, const DiagnosticsOptions& options);

}  // namespace bmcp::tools
