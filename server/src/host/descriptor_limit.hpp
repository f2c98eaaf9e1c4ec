#pragma once

#include <cstdint>

namespace bmcp::host {

// What "unlimited" descriptors counts as: Linux allows at most 2^20 by default (nr_open).
constexpr std::uint64_t kUnlimitedOpenFiles = 1u << 20;

// The soft RLIMIT_NOFILE of this process: how many descriptors it may hold open at once.
// kUnlimitedOpenFiles when the limit is unlimited or cannot be read.
std::uint64_t open_files_limit();

}  // namespace bmcp::host
