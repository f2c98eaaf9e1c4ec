#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <filesystem>

namespace bmcp::auth {

// Tells whether an SQLite database in WAL mode may have been written since it last looked,
// without a system call: it maps the database's wal-index (the `-shm` file that every
// connection to the database, in any process, shares) and compares the wal-index header
// (SQLite's documented file format: the first of its two 48-byte copies, at offset 0). Every
// commit updates that header (its change counter, last frame and checksums; a WAL reset its
// salts), and the header is written before the commit returns, so a look after a commit
// returned, in any process, sees it.
//
// The mapping is safe to read for as long as a connection of this process has the database
// open: SQLite truncates or rebuilds a wal-index only when no connection holds it. Callers keep
// such a connection (SqliteUserStore's own). available() is false when the file could not be
// mapped (not in WAL mode, or no `-shm` yet); callers then use another probe (FileChangeProbe).
// Not thread-safe: callers serialise it.
class WalIndexProbe {
 public:
  // `database_file`'s wal-index is `database_file` + "-shm". Maps it now if it exists.
  explicit WalIndexProbe(const std::filesystem::path& database_file);
  ~WalIndexProbe();
  WalIndexProbe(const WalIndexProbe&) = delete;
  WalIndexProbe& operator=(const WalIndexProbe&) = delete;

  bool available() const { return header_ != nullptr; }
  // True on the first call and whenever the header differs from the previous call's. Only
  // while available().
  bool changed();

  static constexpr std::size_t kHeaderBytes = 48;

 private:
  using Header = std::array<std::uint32_t, kHeaderBytes / 4>;

  void* mapping_ = nullptr;
  std::size_t mapped_bytes_ = 0;
  const volatile std::uint32_t* header_ = nullptr;
  Header last_{};
  bool looked_ = false;
};

}  // namespace bmcp::auth
