#include "tools/prompt_message.hpp"

#include <gtest/gtest.h>

namespace bmcp::tools {
namespace {

TEST(PromptMessage, IsOneUserTextMessageWithTheDescription) {
  EXPECT_EQ(single_user_message("About", "Body"),
            (json::object{{"description", "About"},
                          {"messages", json::array{json::object{
                                           {"role", "user"},
                                           {"content", {{"type", "text"}, {"text", "Body"}}}}}}}));
}

}  // namespace
}  // namespace bmcp::tools
