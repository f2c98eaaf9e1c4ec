#include "host/process_usage.hpp"

#include <dirent.h>
#include <unistd.h>

#include <fstream>

namespace bmcp::host {
namespace {

const std::filesystem::path kSelf = "/proc/self";

}  // namespace

std::optional<std::uint64_t> resident_memory_bytes(const std::filesystem::path& proc_dir) {
  std::ifstream statm(proc_dir / "statm");
  std::uint64_t size_pages = 0;
  std::uint64_t resident_pages = 0;
  if (!(statm >> size_pages >> resident_pages))
    return std::nullopt;
  const long page = ::sysconf(_SC_PAGESIZE);
  if (page <= 0)
    return std::nullopt;
  return resident_pages * static_cast<std::uint64_t>(page);
}

std::optional<std::uint64_t> open_descriptors(const std::filesystem::path& proc_dir) {
  // opendir rather than std::filesystem: its own descriptor is then known to be one entry.
  DIR* dir = ::opendir((proc_dir / "fd").c_str());
  if (dir == nullptr)
    return std::nullopt;
  std::uint64_t entries = 0;
  while (const dirent* entry = ::readdir(dir)) {
    const std::string_view name = entry->d_name;
    if (name != "." && name != "..")
      ++entries;
  }
  const bool own_listing = proc_dir == kSelf;
  ::closedir(dir);
  return own_listing && entries > 0 ? entries - 1 : entries;
}

std::optional<std::uint64_t> resident_memory_bytes() {
  return resident_memory_bytes(kSelf);
}

std::optional<std::uint64_t> open_descriptors() {
  return open_descriptors(kSelf);
}

}  // namespace bmcp::host
