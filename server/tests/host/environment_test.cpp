#include "host/environment.hpp"

#include <gtest/gtest.h>

namespace bmcp::host {
namespace {

TEST(Environment, NonEmptyEnvTreatsAnEmptyValueAsUnset) {
  const EnvLookup env = [](const char* name) -> std::optional<std::string> {
    if (std::string_view(name) == "EMPTY")
      return std::string();
    if (std::string_view(name) == "SET")
      return std::string("value");
    return std::nullopt;
  };
  EXPECT_EQ(non_empty_env(env, "SET"), "value");
  EXPECT_EQ(non_empty_env(env, "EMPTY"), std::nullopt);
  EXPECT_EQ(non_empty_env(env, "MISSING"), std::nullopt);
}

TEST(Environment, ProcessEnvReadsTheRealEnvironment) {
  ::setenv("BMCP_HOST_ENV_TEST", "here", 1);
  EXPECT_EQ(process_env("BMCP_HOST_ENV_TEST"), "here");
  ::unsetenv("BMCP_HOST_ENV_TEST");
  EXPECT_EQ(process_env("BMCP_HOST_ENV_TEST"), std::nullopt);
}

}  // namespace
}  // namespace bmcp::host
