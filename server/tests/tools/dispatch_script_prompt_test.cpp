#include "tools/dispatch_script_prompt.hpp"

#include <gtest/gtest.h>

namespace bmcp::tools {
namespace {

bool contains(const std::string& text, std::string_view part) {
  return text.find(part) != std::string::npos;
}

TEST(DispatchScriptPrompt, AUuidTargetFillsTheTargetLineOnly) {
  const auto text = dispatch_script_text({{"target", "uuid:blender-1"}, {"script", "print(1)"}});
  EXPECT_TRUE(contains(text, "target_uuid: blender-1\ngroup_id: null\nclient_type: null\n"));
  EXPECT_TRUE(contains(text, "priority: \"info\"\n"));
  EXPECT_TRUE(contains(text, R"x("script": "print(1)", "description": null})x"));
  EXPECT_TRUE(contains(text, "call the `blender_send_message` tool"));
}

TEST(DispatchScriptPrompt, GroupTypeAndBroadcastTargetsFillTheirLines) {
  EXPECT_TRUE(contains(dispatch_script_text({{"target", "group:farm"}, {"script", ""}}),
                       "target_uuid: null\ngroup_id: farm\nclient_type: null\n"));
  EXPECT_TRUE(contains(dispatch_script_text({{"target", "type:blender"}, {"script", ""}}),
                       "group_id: null\nclient_type: blender\n"));
  EXPECT_TRUE(contains(dispatch_script_text({{"target", "broadcast"}, {"script", ""}}),
                       "target_uuid: null\ngroup_id: null\nclient_type: null\n"));
}

TEST(DispatchScriptPrompt, AnInvalidTargetIsNamedOnTheTargetLine) {
  EXPECT_TRUE(contains(
      dispatch_script_text({{"target", "somewhere"}, {"script", ""}}),
      "target_uuid: <invalid target spec: 'somewhere'; use uuid:/group:/type:/broadcast>\n"));
}

TEST(DispatchScriptPrompt, ScriptAndDescriptionAreJsonStringsAndTheRulesFollow) {
  const auto text = dispatch_script_text({{"target", "broadcast"},
                                          {"script", "import bpy\nprint(\"x\")"},
                                          {"description", "count"},
                                          {"priority", "debug"}});
  EXPECT_TRUE(contains(text, R"x("script": "import bpy\nprint(\"x\")", "description": "count"})x"));
  EXPECT_TRUE(contains(text, "priority: \"debug\""));
  EXPECT_TRUE(
      contains(text, "Routing precedence: target_uuid > group_id > client_type > broadcast."));
  EXPECT_TRUE(contains(
      text, "The job_id inside payload MUST be a fresh UUID; the addon echoes it on completion."));
  EXPECT_TRUE(contains(text, "logging/setLevel"));
  EXPECT_TRUE(contains(text, "\"debug\""));
}

TEST(DispatchScriptPrompt, RendersOneUserMessage) {
  const auto prompt = dispatch_script_prompt();
  const auto rendered = prompt.renderer({{"target", "broadcast"}, {"script", "x"}}, {});
  ASSERT_TRUE(rendered);
  const auto& messages = rendered->at("messages").as_array();
  ASSERT_EQ(messages.size(), 1u);
  EXPECT_EQ(messages[0].at("role"), "user");
  EXPECT_EQ(messages[0].at("content").at("type"), "text");
  EXPECT_TRUE(prompt.arguments[0].required);
  EXPECT_FALSE(prompt.arguments[2].required);
}

}  // namespace
}  // namespace bmcp::tools
