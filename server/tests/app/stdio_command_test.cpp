#include "app/stdio_command.hpp"

#include <gtest/gtest.h>

#include <map>

namespace bmcp::app {
namespace {

class CheckStdioFlagsTest : public ::testing::Test {
 protected:
  std::optional<std::string> check(const StdioFlags& flags) {
    return check_stdio_flags(flags, [this](const std::string& name) -> std::optional<std::string> {
      auto found = env_.find(name);
      return found == env_.end() ? std::nullopt : std::optional(found->second);
    });
  }
  std::map<std::string, std::string> env_{{"PW", "secret"}, {"TOKEN", "jwt"}};
};

TEST_F(CheckStdioFlagsTest, NoFlagsServeTheLocalSurface) {
  EXPECT_EQ(check({}), std::nullopt);
}

TEST_F(CheckStdioFlagsTest, ABridgeTakesAPasswordVariableOrATokenVariable) {
  EXPECT_EQ(check({"http://127.0.0.1:8000", "demo", "PW", std::nullopt}), std::nullopt);
  EXPECT_EQ(check({"http://127.0.0.1:8000", std::nullopt, std::nullopt, "TOKEN"}), std::nullopt);
}

TEST_F(CheckStdioFlagsTest, CredentialsWithoutAServerAreRefused) {
  EXPECT_EQ(check({std::nullopt, "demo", "PW", std::nullopt}),
            "--username, --password-env and --token-env need --server");
}

TEST_F(CheckStdioFlagsTest, AServerWithoutCredentialsOrWithBothKindsIsRefused) {
  EXPECT_NE(
      check({"http://h:1", std::nullopt, std::nullopt, std::nullopt})->find("needs credentials"),
      std::string::npos);
  EXPECT_NE(check({"http://h:1", "demo", "PW", "TOKEN"})->find("not both"), std::string::npos);
  EXPECT_EQ(check({"http://h:1", "demo", std::nullopt, std::nullopt}),
            "--username and --password-env go together");
}

TEST_F(CheckStdioFlagsTest, AVariableThatIsNotSetIsNamed) {
  EXPECT_EQ(check({"http://h:1", "demo", "MISSING", std::nullopt}),
            "the environment variable MISSING is not set or empty");
  EXPECT_EQ(check({"http://h:1", std::nullopt, std::nullopt, "NOPE"}),
            "the environment variable NOPE is not set or empty");
}

}  // namespace
}  // namespace bmcp::app
