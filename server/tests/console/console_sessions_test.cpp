#include "console/console_sessions.hpp"

#include <gtest/gtest.h>

namespace bmcp::console {
namespace {

TEST(ConsoleUser, AdminIsTheRoleAdmin) {
  EXPECT_FALSE((ConsoleUser{"demo", "u", {"user"}, {}}).is_admin());
  EXPECT_TRUE((ConsoleUser{"root", "u", {"user", "admin"}, {}}).is_admin());
}

}  // namespace
}  // namespace bmcp::console
