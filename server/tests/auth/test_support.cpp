#include "test_support.hpp"

#include <cstdlib>
#include <string_view>
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

bool running_in_ci() {
  const char* ci = std::getenv("CI");
  return ci != nullptr && std::string_view(ci) == "true";
}

}  // namespace bmcp::auth::testing
