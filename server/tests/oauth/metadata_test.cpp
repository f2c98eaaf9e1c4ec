#include "oauth/metadata.hpp"

#include <gtest/gtest.h>

#include <boost/json/array.hpp>
#include <boost/json/object.hpp>

namespace bmcp::oauth {
namespace {

TEST(MetadataTest, TheProtectedResourceNamesItsUrlAndThisServer) {
  const auto urls = server_urls("https://b.example");
  const auto body = protected_resource_metadata(urls);
  EXPECT_EQ(body.at("resource"), "https://b.example/mcp");
  EXPECT_EQ(body.at("authorization_servers"), (json::array{"https://b.example"}));
  EXPECT_EQ(body.at("scopes_supported"), (json::array{"blender", "blender:admin"}));
}

TEST(MetadataTest, AnExternalProviderIsListedAfterThisServer) {
  const auto body =
      protected_resource_metadata(server_urls("https://b.example"), "https://id.example/realms/r");
  EXPECT_EQ(body.at("authorization_servers"),
            (json::array{"https://b.example", "https://id.example/realms/r"}));
}

TEST(MetadataTest, TheAuthorizationServerHasTheFieldsMcpHostsRead) {
  const auto body = authorization_server_metadata(server_urls("https://b.example"), true);
  EXPECT_EQ(body.at("issuer"), "https://b.example");
  EXPECT_EQ(body.at("authorization_endpoint"), "https://b.example/authorize");
  EXPECT_EQ(body.at("token_endpoint"), "https://b.example/token");
  EXPECT_EQ(body.at("registration_endpoint"), "https://b.example/register");
  EXPECT_EQ(body.at("revocation_endpoint"), "https://b.example/revoke");
  EXPECT_EQ(body.at("code_challenge_methods_supported"), (json::array{"S256"}));
  EXPECT_EQ(body.at("token_endpoint_auth_methods_supported"), (json::array{"none"}));
  EXPECT_EQ(body.at("authorization_response_iss_parameter_supported"), true);
  EXPECT_EQ(body.at("client_id_metadata_document_supported"), true);
  EXPECT_EQ(authorization_server_metadata(server_urls("https://b.example"), false)
                .at("client_id_metadata_document_supported"),
            false);
}

}  // namespace
}  // namespace bmcp::oauth
