#pragma once

#include <sys/types.h>

#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

namespace bmcp::redis::testing {

// A real redis-server for a test: its own temporary directory, 127.0.0.1 on a free port, no
// persistence unless asked. Stopped (SIGKILL) by stop() and the destructor.
class RedisServer {
 public:
  explicit RedisServer(std::vector<std::string> extra_arguments = {});
  ~RedisServer();
  RedisServer(const RedisServer&) = delete;
  RedisServer& operator=(const RedisServer&) = delete;

  // Starts it (again, on the same port) and waits until it accepts connections. False (and a
  // message on stderr) when redis-server is missing or does not come up.
  bool start();
  void stop();

  std::uint16_t port() const { return port_; }
  std::string url() const;

 private:
  std::vector<std::string> extra_arguments_;
  std::filesystem::path directory_;
  std::uint16_t port_ = 0;
  pid_t pid_ = -1;
};

}  // namespace bmcp::redis::testing
