// Resident set size of a process, from /proc/<pid>/status (VmRSS).
#pragma once
#include <cstdint>

namespace bench {

// RSS in KiB; throws std::runtime_error naming the pid when it cannot be read.
std::int64_t rss_kib(int pid);

}  // namespace bench
