#pragma once

#include <cstdint>
#include <filesystem>
#include <vector>

namespace bmcp::auth {

// Tells whether a set of files may have changed since it last looked, from their metadata alone
// (device, inode, size, modification and change times; nothing is read). Each file is held by
// an O_PATH descriptor and looked at with fstat(), which spares the path lookup a stat() would
// make on every call; a file that was unlinked or replaced (its inode has no links left) is
// looked up by its path again. O_PATH descriptors take no part in POSIX record locks, so
// holding and closing them cannot release the locks SQLite keeps on the same files.
// A file that is missing is a state of its own, so its creation or removal is a change.
// Limits: file times come from the kernel's coarse clock (a few milliseconds), so a write that
// keeps a file's size and lands in the same tick as the write before it, after the probe looked
// between the two, goes unseen until the next change; callers that must bound staleness combine
// the probe with an age limit (SqliteUserStore does). Not thread-safe: callers serialise it.
class FileChangeProbe {
 public:
  explicit FileChangeProbe(std::vector<std::filesystem::path> files);
  ~FileChangeProbe();
  FileChangeProbe(const FileChangeProbe&) = delete;
  FileChangeProbe& operator=(const FileChangeProbe&) = delete;

  // True on the first call, and whenever a file's metadata differs from the previous call's.
  bool changed();

 private:
  struct Signature {
    bool present = false;
    std::uint64_t device = 0;
    std::uint64_t inode = 0;
    std::int64_t size = 0;
    std::int64_t modified_ns = 0;
    std::int64_t changed_ns = 0;
    bool operator==(const Signature&) const = default;
  };

  struct Watched {
    std::filesystem::path path;
    int fd = -1;  // O_PATH; -1 while the file is missing
    Signature last;
  };

  static Signature read(Watched& file);

  std::vector<Watched> files_;
  bool looked_ = false;
};

}  // namespace bmcp::auth
