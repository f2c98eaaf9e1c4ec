#pragma once

#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

namespace bmcp::auth {

// The file `scripts/serve` writes the generated admin password to, inside the data directory.
inline constexpr std::string_view kAdminPasswordFileName = "admin_password";

// Removes the group and other permission bits from the data directory (so 0755 becomes 0700)
// and from the files in it that hold secrets, when they exist: the user database (password
// hashes) with its -wal, -shm and -journal files, jwt_secret and admin_password (so 0644 becomes
// 0600). Run at start-up by `serve` and by the `user` commands, before the database is opened,
// because SQLite gives the -wal, -shm and -journal files it creates the database file's mode.
//
// Returns one warning per path that was found wider than that, saying what it was and what it
// is now, or why it could not be changed (another owner, a read-only file system): the caller
// logs them and carries on, since refusing to start would not make the secrets private. A
// directory with the sticky bit (such as /tmp) is shared by design: it is left as it is, with a
// warning that the data directory should be a directory of its own.
std::vector<std::string> tighten_private_files(const std::filesystem::path& data_dir);

}  // namespace bmcp::auth
