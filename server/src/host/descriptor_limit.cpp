#include "host/descriptor_limit.hpp"

#include <sys/resource.h>

#include <algorithm>

namespace bmcp::host {

std::uint64_t open_files_limit() {
  rlimit limit{};
  if (::getrlimit(RLIMIT_NOFILE, &limit) != 0 || limit.rlim_cur == RLIM_INFINITY)
    return kUnlimitedOpenFiles;
  return std::min<std::uint64_t>(limit.rlim_cur, kUnlimitedOpenFiles);
}

}  // namespace bmcp::host
