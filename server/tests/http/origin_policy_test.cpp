#include "http/origin_policy.hpp"

#include <gtest/gtest.h>

namespace bmcp::http {
namespace {

TEST(OriginPolicy, RequestsWithoutOriginAreAllowed) {
  OriginPolicy policy({}, true);
  EXPECT_TRUE(policy.origin_allowed(std::nullopt));
}

TEST(OriginPolicy, LoopbackOriginsOnAnyPortAreAllowed) {
  OriginPolicy policy({}, true);
  for (const char* origin : {"http://localhost:1234", "https://127.0.0.1", "http://[::1]:9"}) {
    EXPECT_TRUE(policy.origin_allowed(origin)) << origin;
  }
}

TEST(OriginPolicy, ForeignAndNullOriginsAreRefused) {
  OriginPolicy policy({}, true);
  for (const char* origin : {"http://evil.example", "null", "http://localhost.evil.example",
                             "ftp://localhost", "http://127.0.0.1.nip.io"}) {
    EXPECT_FALSE(policy.origin_allowed(origin)) << origin;
  }
}

TEST(OriginPolicy, ABracketedLoopbackHostNeedsADigitPortToo) {
  // Found by fuzz/targets/origin_host: after "[::1]:" anything was taken as the port.
  OriginPolicy policy({}, true);
  for (const char* origin :
       {"http://[::1]:30p0", "http://[::1]:3o@", "http://[::1]:", "http://[::1]x"}) {
    EXPECT_FALSE(policy.origin_allowed(origin)) << origin;
  }
  EXPECT_FALSE(
      policy.host_allowed(std::string_view("[::1]:3o@\0"
                                           "000",
                                           13)));
  EXPECT_TRUE(policy.host_allowed("[::1]:300"));
}

TEST(OriginPolicy, ConfiguredOriginsAndTheWildcardAreHonouredButNullNeverIs) {
  EXPECT_TRUE(OriginPolicy({"https://app.example"}, true).origin_allowed("https://app.example"));
  EXPECT_FALSE(OriginPolicy({"https://app.example"}, true).origin_allowed("https://other.example"));
  EXPECT_TRUE(OriginPolicy({"*"}, true).origin_allowed("https://anything.example"));
  EXPECT_FALSE(OriginPolicy({"*"}, true).origin_allowed("null"));
}

TEST(OriginPolicy, HostMustBeLoopbackOnlyWhenChecked) {
  OriginPolicy checked({}, true);
  EXPECT_TRUE(checked.host_allowed("localhost:8000"));
  EXPECT_TRUE(checked.host_allowed("[::1]:8000"));
  EXPECT_FALSE(checked.host_allowed("evil.example:8000"));
  EXPECT_FALSE(checked.host_allowed(std::nullopt));
  EXPECT_TRUE(OriginPolicy({}, false).host_allowed("evil.example"));
}

TEST(IsLoopbackAddress, KnowsTheLoopbackRange) {
  EXPECT_TRUE(is_loopback_address("127.0.0.1"));
  EXPECT_TRUE(is_loopback_address("::1"));
  EXPECT_FALSE(is_loopback_address("0.0.0.0"));
}

}  // namespace
}  // namespace bmcp::http
