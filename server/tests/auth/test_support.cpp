#include "test_support.hpp"

#include <system_error>

#include "core/random.hpp"

namespace bmcp::auth::testing {

TempDir::TempDir()
    : path_(std::filesystem::temp_directory_path() / ("bmcp-auth-test-" + random_hex(8))) {
  std::filesystem::create_directories(path_);
}

TempDir::~TempDir() {
  std::error_code ignored;
  std::filesystem::remove_all(path_, ignored);
}

}  // namespace bmcp::auth::testing
