#include "oauth/client_id_document.hpp"

#include <gtest/gtest.h>

namespace bmcp::oauth {
namespace {

constexpr std::string_view kUrl = "https://app.example/oauth/client.json";

std::string document(std::string_view extra = "", std::string_view client_id = kUrl) {
  return R"({"client_id":")" + std::string(client_id) +
         R"(","client_name":"App","redirect_uris":["http://127.0.0.1/cb"])" + std::string(extra) +
         "}";
}

TEST(ClientIdUrl, RegisteredIdsAreNotUrls) {
  EXPECT_FALSE(is_url_client_id("a1B2c3D4e5F6g7H8i9J0kLmN"));
  EXPECT_FALSE(is_url_client_id(""));
  EXPECT_TRUE(is_url_client_id("https://app.example/c.json"));
  EXPECT_TRUE(is_url_client_id("http://app.example/c.json"));
}

TEST(ClientIdUrl, GoodUrlsPass) {
  for (const auto* url : {"https://app.example/oauth/client.json", "https://app.example:8443/c",
                          "https://127.0.0.1:4443/client.json", "https://[::1]/c?v=1"}) {
    EXPECT_EQ(client_id_url_problem(url), "") << url;
  }
}

TEST(ClientIdUrl, EachProblemIsNamed) {
  const std::pair<const char*, const char*> cases[] = {
      {"http://app.example/c.json", "a client_id URL must use https"},
      {"https://app.example", "a client_id URL must have a path"},
      {"https://app.example/", "a client_id URL must have a path"},
      {"https://app.example/c.json#x", "a client_id URL must not have a fragment"},
      {"https://user@app.example/c.json", "a client_id URL must not carry user information"},
      {"https:///c.json", "a client_id URL must name a host"},
      {"https://app.example/a/../c.json", "a client_id URL must not have \".\" or \"..\""},
      {"https://app.example/./c.json", "a client_id URL must not have \".\" or \"..\""},
      {"https://app.example/%2e%2E/c.json", "a client_id URL must not have \".\" or \"..\""},
      {"https://app.example/a b", "a client_id URL must not contain whitespace"},
  };
  for (const auto& [url, problem] : cases) {
    EXPECT_EQ(client_id_url_problem(url).find(problem), 0u)
        << url << ": " << client_id_url_problem(url);
  }
  EXPECT_NE(client_id_url_problem("https://app.example/" + std::string(2100, 'a')), "");
}

TEST(ClientIdDocument, AGoodDocumentGivesItsMetadata) {
  auto metadata =
      read_client_id_document(kUrl, document(R"(,"token_endpoint_auth_method":"none")"));
  ASSERT_TRUE(metadata) << metadata.error();
  EXPECT_EQ(metadata->client_name, "App");
  EXPECT_EQ(metadata->redirect_uris, std::vector<std::string>{"http://127.0.0.1/cb"});
}

TEST(ClientIdDocument, TheClientIdMustBeTheUrlItself) {
  auto wrong = read_client_id_document(kUrl, document("", "https://other.example/c.json"));
  ASSERT_FALSE(wrong);
  EXPECT_EQ(wrong.error(),
            "the document's client_id is not its own URL (it says "
            "\"https://other.example/c.json\")");
  // What the document says is quoted as JSON text: no raw line break reaches a page or a log.
  auto broken = read_client_id_document(kUrl, document("", "evil\\nline"));
  ASSERT_FALSE(broken);
  EXPECT_EQ(broken.error(),
            "the document's client_id is not its own URL (it says \"evil\\nline\")");
  auto missing = read_client_id_document(kUrl, R"({"redirect_uris":["http://127.0.0.1/cb"]})");
  ASSERT_FALSE(missing);
  EXPECT_EQ(missing.error(), "the document has no client_id");
}

TEST(ClientIdDocument, BadDocumentsAreRefusedByName) {
  const std::pair<std::string, const char*> cases[] = {
      {"[1,2]", "the document is not a JSON object"},
      {"{", "the document is not a JSON object"},
      {document(R"(,"client_secret":"s")"), "the document must not carry client_secret"},
      {document(R"(,"client_secret_expires_at":0)"),
       "the document must not carry client_secret_expires_at"},
      {document(R"(,"token_endpoint_auth_method":"private_key_jwt")"),
       "token_endpoint_auth_method must be none"},
      {R"({"client_id":"https://app.example/oauth/client.json"})",
       "redirect_uris must be a non-empty array of strings"},
      {R"({"client_id":"https://app.example/oauth/client.json","redirect_uris":["ftp://x/"]})",
       "redirect_uris"},
      {document(R"(,"grant_types":["client_credentials"])"),
       "grant_types must include authorization_code"},
  };
  for (const auto& [body, problem] : cases) {
    auto got = read_client_id_document(kUrl, body);
    ASSERT_FALSE(got) << body;
    EXPECT_NE(got.error().find(problem), std::string::npos) << body << ": " << got.error();
  }
}

}  // namespace
}  // namespace bmcp::oauth
