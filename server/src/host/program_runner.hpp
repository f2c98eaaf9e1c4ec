#pragma once

#include <chrono>
#include <cstddef>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "core/result.hpp"

namespace bmcp::host {

struct ProgramRun {
  std::optional<int> exit_code;  // nullopt when the program ended by a signal (or was killed)
  bool timed_out = false;        // the time limit passed; the program was killed
  std::string output;            // its stdout, at most max_output bytes (the rest is discarded)
};

// Runs argv[0] (a path; PATH is not searched) with argv, stdin and stderr on /dev/null, the
// environment of this process less the variables named in `withheld`, in its own process group.
// Blocks the calling thread until the program exits or `timeout` passes; then the whole process
// group is killed (SIGKILL) and reaped. Never call it on an I/O thread. An error (naming the
// program) only when it cannot be started at all.
Result<ProgramRun, std::string> run_program(const std::vector<std::string>& argv,
                                            std::chrono::milliseconds timeout,
                                            std::size_t max_output = std::size_t{1} << 20,
                                            std::span<const std::string_view> withheld = {});

}  // namespace bmcp::host
