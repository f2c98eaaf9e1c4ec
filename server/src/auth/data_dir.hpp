#pragma once

#include <filesystem>
#include <functional>
#include <optional>
#include <string>
#include <string_view>

#include "core/result.hpp"

namespace bmcp::auth {

// Files inside the data directory (contract 3.6).
inline constexpr std::string_view kDatabaseFileName = "blender-mcp.db";
inline constexpr std::string_view kSigningKeyFileName = "jwt_secret";

// Reads one environment variable; nullopt when unset. Injected so tests need no real env.
using EnvLookup = std::function<std::optional<std::string>(const char* name)>;
// The process environment.
std::optional<std::string> process_env(const char* name);

// The data directory, first match wins: `flag` (--data-dir), BLENDER_MCP_DATA_DIR,
// $XDG_DATA_HOME/blender-mcp, $HOME/.local/share/blender-mcp. Empty values count as unset.
// kFailedPrecondition when none of them is set.
Result<std::filesystem::path> resolve_data_dir(const std::optional<std::string>& flag,
                                               const EnvLookup& env);

// Creates `dir` with mode 0700 when missing (missing parents get the default mode). An
// existing directory is left as it is. kIo when it cannot be created or is not a directory.
Status ensure_data_dir(const std::filesystem::path& dir);

inline std::filesystem::path database_file(const std::filesystem::path& data_dir) {
  return data_dir / kDatabaseFileName;
}

}  // namespace bmcp::auth
