#pragma once

// The AuthService checks whose outcome depends on the store (accounts, their uids and their
// removal), as parametrized tests that each store's test file instantiates with its backend,
// like UserStoreTest:
//   INSTANTIATE_TEST_SUITE_P(Sqlite, AuthServiceAccountsTest, ::testing::Values(backend), ...);
// The service runs on a store opened as `serve` opens it; store_ stands in for the user CLI
// (or another node) changing the same data.

#include <functional>
#include <memory>
#include <string>

#include "auth/auth_service.hpp"
#include "user_store_test.hpp"

namespace bmcp::auth::testing {

class AuthServiceAccountsTest : public UserStoreTest {
 protected:
  void SetUp() override;

  // Adds "demo" through store_, and logs it in through the service.
  void add_demo();
  TokenPair login_demo();
  // Calls `check` until it returns true, for at most the backend's change_delay() (once when
  // that is zero); true when it did.
  bool within_change_delay(const std::function<bool()>& check) const;

  std::unique_ptr<UserStore> server_store_;
  std::unique_ptr<AuthService> service_;
};

}  // namespace bmcp::auth::testing
