#pragma once

#include <filesystem>

namespace bmcp::auth::testing {

// A fresh directory under the system temp directory, removed with everything in it when the
// object goes away.
class TempDir {
 public:
  TempDir();
  ~TempDir();
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;

  const std::filesystem::path& path() const { return path_; }

 private:
  std::filesystem::path path_;
};

// True when the environment says CI=true: tests that need a service the machine lacks (a
// PostgreSQL server) then fail instead of skipping, so CI never passes without them.
bool running_in_ci();

}  // namespace bmcp::auth::testing
