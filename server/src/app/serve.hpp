#pragma once

#include "app/config.hpp"

namespace bmcp::app {

inline constexpr std::string_view kVersion = "1.0.0";

// Runs the HTTP server until SIGINT/SIGTERM. Returns the process exit status: 0 after a clean
// stop, 2 for a start-up refusal (e.g. no admin user and no ADMIN_PASSWORD), 1 for other
// start-up failures (the port is taken, the data directory cannot be created).
int run_serve(const ServerConfig& config);

}  // namespace bmcp::app
