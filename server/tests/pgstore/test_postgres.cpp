#include "test_postgres.hpp"

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <mutex>
#include <optional>

#include "core/random.hpp"
#include "pgstore/pg_connection.hpp"

namespace bmcp::pgstore::testing {

namespace {

std::string first_line_of(const std::filesystem::path& file) {
  std::ifstream in(file);
  std::string line;
  std::getline(in, line);
  return line;
}

// A server started by this process (no ctest fixture), stopped when the process exits.
class OwnServer {
 public:
  OwnServer()
      : state_(std::filesystem::temp_directory_path() / ("bmcp-test-postgres-" + random_hex(6))) {}
  ~OwnServer() {
    const std::string stop =
        std::string(BMCP_TEST_POSTGRES_SCRIPT) + " stop '" + state_.string() + "' >/dev/null 2>&1";
    // A failure leaves a temporary directory behind, nothing worse.
    [[maybe_unused]] const int status = std::system(stop.c_str());
  }
  OwnServer(const OwnServer&) = delete;
  OwnServer& operator=(const OwnServer&) = delete;

  std::filesystem::path start() {
    const std::string command = std::string(BMCP_TEST_POSTGRES_SCRIPT) +
                                " start --allow-missing '" + state_.string() + "' >/dev/null";
    if (std::system(command.c_str()) != 0) {
      std::ofstream(state_ / "unavailable") << "tests/support/test-postgres start failed";
    }
    return state_;
  }

 private:
  std::filesystem::path state_;
};

// The state directory of the server, started on first use when ctest did not start one.
std::filesystem::path server_state() {
  static std::once_flag once;
  static std::filesystem::path state;
  static std::optional<OwnServer> own;
  std::call_once(once, [] {
    if (const char* given = std::getenv("BLENDER_MCP_TEST_POSTGRES"); given && *given) {
      state = given;
    } else {
      own.emplace();
      state = own->start();
    }
  });
  return state;
}

}  // namespace

std::string TestDatabase::admin_url() {
  return first_line_of(server_state() / "url");
}

Result<std::unique_ptr<TestDatabase>, std::string> TestDatabase::create() {
  const auto state = server_state();
  if (std::filesystem::exists(state / "unavailable")) {
    return Unexpected{first_line_of(state / "unavailable")};
  }
  const std::string admin = admin_url();
  if (admin.empty()) {
    return Unexpected{"no PostgreSQL test server: " + (state / "url").string() + " is missing"};
  }
  const std::string name = "bmcp_test_" + random_hex(6);
  try {
    PgConnection::connect(admin)->exec("CREATE DATABASE " + name);
  } catch (const auth::StoreError& error) {
    return Unexpected{std::string(error.what())};
  }
  const std::string url = admin.substr(0, admin.rfind('/') + 1) + name;
  return std::unique_ptr<TestDatabase>(new TestDatabase(name, url));
}

TestDatabase::~TestDatabase() {
  try {
    PgConnection::connect(admin_url())->exec("DROP DATABASE IF EXISTS " + name_ + " WITH (FORCE)");
  } catch (const auth::StoreError& error) {
    std::fprintf(stderr, "could not drop test database %s: %s\n", name_.c_str(), error.what());
  }
}

}  // namespace bmcp::pgstore::testing
