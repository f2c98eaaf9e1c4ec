#pragma once

#include <filesystem>

namespace bmcp::host {

// The add-on package shipped with the server, used by blender_install_addon when
// BLENDER_MCP_ADDON_DIR is unset: <directory of the executable>/../share/blender-mcp/addon/
// blender_mcp when that exists (an installed server), else the source tree's addon/blender_mcp
// (a server run from its build directory).
std::filesystem::path shipped_addon_dir();

// The rule above with its inputs spelled out, for tests.
std::filesystem::path resolve_shipped_addon_dir(const std::filesystem::path& executable,
                                                const std::filesystem::path& source_tree_addon);

// The source tree's addon/blender_mcp, fixed at build time.
std::filesystem::path source_tree_addon_dir();

}  // namespace bmcp::host
