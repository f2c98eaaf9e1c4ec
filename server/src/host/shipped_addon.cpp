#include "host/shipped_addon.hpp"

#include <system_error>

#ifndef BMCP_SOURCE_ADDON_DIR
#error "BMCP_SOURCE_ADDON_DIR must name the source tree's addon/blender_mcp"
#endif

namespace bmcp::host {

namespace fs = std::filesystem;

fs::path resolve_shipped_addon_dir(const fs::path& executable, const fs::path& source_tree_addon) {
  if (!executable.empty()) {
    const auto installed =
        (executable.parent_path() / ".." / "share" / "blender-mcp" / "addon" / "blender_mcp")
            .lexically_normal();
    std::error_code error;
    if (fs::is_directory(installed, error))
      return installed;
  }
  return source_tree_addon;
}

fs::path source_tree_addon_dir() {
  return fs::path(BMCP_SOURCE_ADDON_DIR);
}

fs::path shipped_addon_dir() {
  std::error_code error;
  const auto executable = fs::read_symlink("/proc/self/exe", error);
  return resolve_shipped_addon_dir(error ? fs::path() : executable, source_tree_addon_dir());
}

}  // namespace bmcp::host
