#pragma once

#include <cstdint>
#include <filesystem>
#include <optional>

namespace bmcp::host {

// This process's resident set size in bytes (/proc/self/statm, resident pages x page size);
// nullopt when it cannot be read (not Linux, /proc not mounted).
std::optional<std::uint64_t> resident_memory_bytes();
// The descriptors this process holds open (entries of /proc/self/fd, less the one the listing
// itself uses); nullopt when they cannot be listed.
std::optional<std::uint64_t> open_descriptors();

// The same from another /proc/<pid>-like directory (tests).
std::optional<std::uint64_t> resident_memory_bytes(const std::filesystem::path& proc_dir);
std::optional<std::uint64_t> open_descriptors(const std::filesystem::path& proc_dir);

}  // namespace bmcp::host
