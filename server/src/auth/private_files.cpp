#include "auth/private_files.hpp"

#include <fmt/format.h>
#include <sys/stat.h>

#include <cerrno>
#include <system_error>

#include "auth/data_dir.hpp"

namespace bmcp::auth {

namespace {

constexpr mode_t kGroupAndOther = S_IRWXG | S_IRWXO;

std::string errno_text(int error_number) {
  return std::error_code(error_number, std::generic_category()).message();
}

// Removes the group and other bits of `path` when it exists and has any; appends a warning
// when it did or could not. `what` names the path in the warning ("data directory", "file").
void tighten(const std::filesystem::path& path, std::string_view what,
             std::vector<std::string>& warnings) {
  struct stat info {};
  if (::stat(path.c_str(), &info) != 0) {
    if (errno != ENOENT) {
      warnings.push_back(fmt::format("cannot check the mode of {} {}: {}", what, path.string(),
                                     errno_text(errno)));
    }
    return;
  }
  const mode_t mode = info.st_mode & 07777;
  if ((mode & kGroupAndOther) == 0) {
    return;
  }
  if (S_ISDIR(info.st_mode) && (mode & S_ISVTX) != 0) {
    warnings.push_back(fmt::format(
        "{} {} is shared (mode {:04o}, sticky bit) and is left as it is; give blender-mcp a "
        "directory of its own (--data-dir), since it holds password hashes and the signing key",
        what, path.string(), mode));
    return;
  }
  const mode_t tightened = mode & ~kGroupAndOther;
  if (::chmod(path.c_str(), tightened) != 0) {
    warnings.push_back(
        fmt::format("{} {} has mode {:04o}, open to other users, and could not be changed to "
                    "{:04o}: {}",
                    what, path.string(), mode, tightened, errno_text(errno)));
    return;
  }
  warnings.push_back(fmt::format("{} {} had mode {:04o}, open to other users; changed it to {:04o}",
                                 what, path.string(), mode, tightened));
}

}  // namespace

std::vector<std::string> tighten_private_files(const std::filesystem::path& data_dir) {
  std::vector<std::string> warnings;
  tighten(data_dir, "data directory", warnings);
  const auto database = database_file(data_dir).string();
  for (const auto& file :
       {std::filesystem::path(database), std::filesystem::path(database + "-wal"),
        std::filesystem::path(database + "-shm"), std::filesystem::path(database + "-journal"),
        data_dir / kSigningKeyFileName, data_dir / kAdminPasswordFileName}) {
    tighten(file, "file", warnings);
  }
  return warnings;
}

}  // namespace bmcp::auth
