#pragma once

#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "host/environment.hpp"
#include "host/host_os.hpp"

namespace bmcp::host {

// Where to look for Blender. `root` prefixes the OS's fixed locations (/usr/bin, /opt,
// /Applications, ...) so that tests can stand a temporary directory in for the filesystem;
// locations under the user's home come from HOME (or %ProgramFiles% on Windows) as read
// through the EnvLookup.
struct BlenderSearch {
  HostOs os = current_host_os();
  std::filesystem::path root = "/";
};

struct BlenderDiscovery {
  std::optional<std::string> path;    // the first executable candidate
  std::vector<std::string> searched;  // every candidate tried, in order, without repeats
};

// The Blender executable's file name on `os` (blender, Blender or blender.exe).
std::string blender_executable_name(HostOs os);

// Discovery (contract §5.3), first match wins: BLENDER_MCP_BLENDER_PATH (a file, or a
// directory holding the executable), then `blender` in each PATH directory, then the OS's usual
// locations (os_blender_locations). A candidate matches when it is a regular file the process
// may execute. Reads the filesystem: call it off I/O threads.
BlenderDiscovery find_blender(const EnvLookup& env, const BlenderSearch& search = {});

// The OS's usual install locations, in the order they are tried. Linux: /usr/bin,
// /usr/local/bin, /snap/bin, /opt/blender*/, ~/blender*/; macOS: /Applications and
// ~/Applications Blender.app; Windows: %ProgramFiles%\Blender Foundation\Blender *\. Globbed
// directories are taken in descending name order, so newer versions come first.
std::vector<std::filesystem::path> os_blender_locations(const EnvLookup& env,
                                                        const BlenderSearch& search);

// True when `path` is a regular file (after symlinks) that this process may execute.
bool is_executable_file(const std::filesystem::path& path);

}  // namespace bmcp::host
