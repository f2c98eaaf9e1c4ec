#include "auth/data_dir.hpp"

#include <sys/stat.h>

#include <cerrno>
#include <cstdlib>
#include <system_error>

namespace bmcp::auth {

namespace {

std::optional<std::string> non_empty(const EnvLookup& env, const char* name) {
  auto value = env(name);
  if (!value || value->empty()) {
    return std::nullopt;
  }
  return value;
}

Error io_error(const std::filesystem::path& dir, std::string_view what) {
  return make_error(ErrorCode::kIo, "data directory " + dir.string() + ": " + std::string(what));
}

}  // namespace

std::optional<std::string> process_env(const char* name) {
  const char* value = std::getenv(name);  // NOLINT(concurrency-mt-unsafe): read at start-up
  if (value == nullptr) {
    return std::nullopt;
  }
  return std::string(value);
}

Result<std::filesystem::path> resolve_data_dir(const std::optional<std::string>& flag,
                                               const EnvLookup& env) {
  if (flag && !flag->empty()) {
    return std::filesystem::path(*flag);
  }
  if (auto dir = non_empty(env, "BLENDER_MCP_DATA_DIR")) {
    return std::filesystem::path(*dir);
  }
  if (auto xdg = non_empty(env, "XDG_DATA_HOME")) {
    return std::filesystem::path(*xdg) / "blender-mcp";
  }
  if (auto home = non_empty(env, "HOME")) {
    return std::filesystem::path(*home) / ".local" / "share" / "blender-mcp";
  }
  return Unexpected{make_error(ErrorCode::kFailedPrecondition,
                               "no data directory: set --data-dir, BLENDER_MCP_DATA_DIR or HOME")};
}

Status ensure_data_dir(const std::filesystem::path& requested) {
  // "a/b/" names the directory "a/b"; mkdir needs that form to apply the mode to it.
  const auto dir = requested.has_filename() ? requested : requested.parent_path();
  std::error_code ec;
  if (std::filesystem::is_directory(dir, ec)) {
    return {};
  }
  if (dir.has_parent_path() && dir.has_relative_path()) {
    std::filesystem::create_directories(dir.parent_path(), ec);
    if (ec) {
      return Unexpected{io_error(dir, ec.message())};
    }
  }
  if (::mkdir(dir.c_str(), 0700) != 0) {
    if (errno == EEXIST && std::filesystem::is_directory(dir, ec)) {
      return {};  // made by a concurrent process; left as it is
    }
    return Unexpected{io_error(dir, std::error_code(errno, std::generic_category()).message())};
  }
  // mkdir's mode is filtered by the umask; the contract asks for exactly 0700.
  if (::chmod(dir.c_str(), 0700) != 0) {
    return Unexpected{io_error(dir, std::error_code(errno, std::generic_category()).message())};
  }
  return {};
}

}  // namespace bmcp::auth
