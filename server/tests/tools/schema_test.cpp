#include "tools/schema.hpp"

#include <gtest/gtest.h>

namespace bmcp::tools {
namespace {

TEST(SchemaBuilder, AToolWithoutParametersHasEmptyPropertiesAndNoRequiredList) {
  EXPECT_EQ(to_json_text(SchemaBuilder().build()), R"({"type":"object","properties":{}})");
}

TEST(SchemaBuilder, RequiredAndOptionalPropertiesCarryTypesDefaultsAndItems) {
  const auto schema = SchemaBuilder()
                          .required("name", {"string"}, "who")
                          .optional("tags", {"array", "null"}, json::array(), "labels")
                          .items("tags", "string")
                          .build();
  EXPECT_EQ(to_json_text(schema),
            R"({"type":"object","properties":{"name":{"type":"string","description":"who"},)"
            R"("tags":{"type":["array","null"],"description":"labels","default":[],)"
            R"("items":{"type":"string"}}},"required":["name"]})");
}

}  // namespace
}  // namespace bmcp::tools
