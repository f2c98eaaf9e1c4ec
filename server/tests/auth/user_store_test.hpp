#pragma once

// The behaviour every UserStore must have, as parametrized tests (TEST_P in user_store_test.cpp)
// that each implementation's test file instantiates with its own backend:
//   INSTANTIATE_TEST_SUITE_P(Sqlite, UserStoreTest, ::testing::Values(backend), backend_name);

#include <gtest/gtest.h>

#include <chrono>
#include <functional>
#include <memory>
#include <ostream>
#include <string>

#include "auth/user_store.hpp"
#include "core/clock.hpp"
#include "core/result.hpp"

namespace bmcp::auth::testing {

// The data of the stores under test (a file, a database), fresh for each test and removed
// afterwards. Every store open() returns shares that data, as separate processes would.
class StoreUnderTest {
 public:
  virtual ~StoreUnderTest() = default;
  virtual std::unique_ptr<UserStore> open(const Clock& clock) = 0;
  // A store as `serve` opens it on the same data (PostgreSQL: with the presence cache, already
  // listening for changes); by default what open() returns.
  virtual std::unique_ptr<UserStore> open_server(const Clock& clock) { return open(clock); }
  // How long a change made through an open() store may take to reach an open_server() store:
  // zero when it is seen on the next call.
  virtual std::chrono::milliseconds change_delay() const { return {}; }
};

struct UserStoreBackend {
  std::string name;
  // A fresh place for stores, or why none can be made (then the test is skipped, or fails
  // when CI=true: a CI run must not pass without testing every store).
  std::function<Result<std::unique_ptr<StoreUnderTest>, std::string>()> make;
};

std::string backend_name(const ::testing::TestParamInfo<UserStoreBackend>& info);
// How GoogleTest shows a backend in test names and messages: its name.
void PrintTo(const UserStoreBackend& backend, std::ostream* out);

class UserStoreTest : public ::testing::TestWithParam<UserStoreBackend> {
 protected:
  void SetUp() override;

  // Another store on the same data.
  std::unique_ptr<UserStore> open();
  static UserRecord user(const std::string& name, std::vector<std::string> roles = {"user"});
  std::int64_t now() const { return static_cast<std::int64_t>(clock_.unix_seconds()); }

  FakeClock clock_;
  std::unique_ptr<StoreUnderTest> place_;
  std::unique_ptr<UserStore> store_;
};

}  // namespace bmcp::auth::testing
