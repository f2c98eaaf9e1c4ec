#pragma once

#include <filesystem>
#include <string>

#include "core/result.hpp"

namespace bmcp::host {

// Copies the directory tree `source` to `destination`, replacing whatever was there. The copy
// is made beside `destination` first and renamed into place, so a failed copy leaves an older
// destination untouched. Missing parents of `destination` are created. `__pycache__`
// directories are not copied. Symbolic links are copied as the files they point to. The error
// names the path and what went wrong. Blocks on the filesystem: call it off I/O threads.
Result<void, std::string> replace_directory(const std::filesystem::path& source,
                                            const std::filesystem::path& destination);

}  // namespace bmcp::host
