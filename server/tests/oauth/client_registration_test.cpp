#include "oauth/client_registration.hpp"

#include <gtest/gtest.h>

namespace bmcp::oauth {
namespace {

TEST(ClientRegistrationTest, AValidRequestKeepsNameAndRedirectUris) {
  const auto metadata = read_client_metadata(
      R"({"client_name":"Tool","redirect_uris":["http://127.0.0.1:9/cb"],
          "grant_types":["authorization_code","refresh_token"],"response_types":["code"],
          "token_endpoint_auth_method":"client_secret_post","scope":"blender"})");
  ASSERT_TRUE(metadata.ok()) << metadata.error().description;
  EXPECT_EQ(metadata->client_name, "Tool");
  EXPECT_EQ(metadata->redirect_uris, std::vector<std::string>{"http://127.0.0.1:9/cb"});
  const auto response = registration_response("id", 5, *metadata);
  EXPECT_EQ(response.at("token_endpoint_auth_method"), "none");
  EXPECT_EQ(response.at("client_id"), "id");
}

TEST(ClientRegistrationTest, BadMetadataIsRefusedNamingTheField) {
  const std::pair<const char*, const char*> cases[] = {
      {"[]", "invalid_client_metadata"},
      {R"({})", "invalid_redirect_uri"},
      {R"({"redirect_uris":[]})", "invalid_redirect_uri"},
      {R"({"redirect_uris":["http://evil.example/cb"]})", "invalid_redirect_uri"},
      {R"({"redirect_uris":[1]})", "invalid_redirect_uri"},
      {R"({"redirect_uris":["https://a.example/cb"],"client_name":5})", "invalid_client_metadata"},
      {R"({"redirect_uris":["https://a.example/cb"],"grant_types":["password"]})",
       "invalid_client_metadata"},
      {R"({"redirect_uris":["https://a.example/cb"],"response_types":["token"]})",
       "invalid_client_metadata"},
      {R"({"redirect_uris":["https://a.example/cb"],"token_endpoint_auth_method":"private_key_jwt"})",
       "invalid_client_metadata"},
      {R"({"redirect_uris":["https://a.example/cb"],"client_name":"a\u0001b"})",
       "invalid_client_metadata"},
  };
  for (const auto& [body, error] : cases) {
    const auto metadata = read_client_metadata(body);
    ASSERT_FALSE(metadata.ok()) << body;
    EXPECT_EQ(metadata.error().error, error) << body;
    EXPECT_FALSE(metadata.error().description.empty());
  }
}

}  // namespace
}  // namespace bmcp::oauth
