#pragma once

// The behaviour every OAuthStore must have, as parametrized tests (TEST_P in
// oauth_store_test.cpp) that each implementation's test file instantiates with its backend.

#include <gtest/gtest.h>

#include <functional>
#include <memory>
#include <ostream>
#include <string>

#include "auth/oauth_store.hpp"
#include "core/result.hpp"

namespace bmcp::auth::testing {

// Fresh data for OAuth stores (a file, a database); every open() shares it, as nodes would.
class OAuthPlace {
 public:
  virtual ~OAuthPlace() = default;
  virtual std::unique_ptr<OAuthStore> open() = 0;
};

struct OAuthStoreBackend {
  std::string name;
  std::function<Result<std::unique_ptr<OAuthPlace>, std::string>()> make;
};

std::string oauth_backend_name(const ::testing::TestParamInfo<OAuthStoreBackend>& info);
void PrintTo(const OAuthStoreBackend& backend, std::ostream* out);

class OAuthStoreTest : public ::testing::TestWithParam<OAuthStoreBackend> {
 protected:
  void SetUp() override;

  std::unique_ptr<OAuthPlace> place_;
  std::unique_ptr<OAuthStore> store_;
};

}  // namespace bmcp::auth::testing
