#pragma once

#include <memory>
#include <string>

#include "core/result.hpp"

namespace bmcp::pgstore::testing {

// A new, empty database on the tests' PostgreSQL server, dropped when this goes away.
// The server is the one ctest's fixture started (BLENDER_MCP_TEST_POSTGRES names the state
// directory of tests/support/test-postgres), or, when the test binary runs on its own, one it
// starts itself with that script and stops at exit.
class TestDatabase {
 public:
  // Or why there is none (PostgreSQL not installed, the server did not start).
  static Result<std::unique_ptr<TestDatabase>, std::string> create();
  ~TestDatabase();
  TestDatabase(const TestDatabase&) = delete;
  TestDatabase& operator=(const TestDatabase&) = delete;

  const std::string& url() const { return url_; }
  const std::string& name() const { return name_; }
  // The URL of the server's `postgres` database, as its superuser (for administration).
  static std::string admin_url();

 private:
  TestDatabase(std::string name, std::string url) : name_(std::move(name)), url_(std::move(url)) {}

  std::string name_;
  std::string url_;
};

}  // namespace bmcp::pgstore::testing

// In a test or SetUp: `auto database = require_test_database(); if (!database) return;` is
// spelled BMCP_REQUIRE_TEST_DATABASE(database): skips the test when there is no PostgreSQL, or
// fails it when CI=true.
#define BMCP_REQUIRE_TEST_DATABASE(var)                                                 \
  auto var##_made = ::bmcp::pgstore::testing::TestDatabase::create();                   \
  if (!var##_made) {                                                                    \
    if (::bmcp::auth::testing::running_in_ci()) {                                       \
      FAIL() << "PostgreSQL unavailable (CI=true requires it): " << var##_made.error(); \
    }                                                                                   \
    GTEST_SKIP() << "PostgreSQL unavailable: " << var##_made.error();                   \
  }                                                                                     \
  std::unique_ptr<::bmcp::pgstore::testing::TestDatabase> var = std::move(var##_made).value()
