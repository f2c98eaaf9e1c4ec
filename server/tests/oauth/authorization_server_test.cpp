#include "oauth/authorization_server.hpp"

#include <gtest/gtest.h>

#include "../auth/test_support.hpp"
#include "auth/jwt_codec.hpp"
#include "auth/sqlite_oauth_store.hpp"
#include "auth/sqlite_user_store.hpp"
#include "core/json_text.hpp"
#include "core/web_text.hpp"
#include "document_source.hpp"
#include "oauth/secrets.hpp"

namespace bmcp::oauth {
namespace {

constexpr std::string_view kBase = "http://127.0.0.1:8000";
constexpr std::string_view kRedirect = "http://127.0.0.1:4567/callback";
const std::string kVerifier(50, 'v');

std::string header(const WebReply& reply, std::string_view name) {
  for (const auto& [key, value] : reply.headers)
    if (key == name)
      return value;
  return "";
}

// The cookie values a reply set, as a Cookie header.
std::string cookies_of(const WebReply& reply, std::string cookies = "") {
  for (const auto& [key, value] : reply.headers) {
    if (key == "Set-Cookie")
      cookies += (cookies.empty() ? "" : "; ") + value.substr(0, value.find(';'));
  }
  return cookies;
}

std::string hidden(const std::string& page, std::string_view name) {
  const auto marker = "name=\"" + std::string(name) + "\" value=\"";
  const auto at = page.find(marker);
  if (at == std::string::npos)
    return "";
  const auto start = at + marker.size();
  return page.substr(start, page.find('"', start) - start);
}

class AuthorizationServerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto users = std::move(auth::SqliteUserStore::open(dir_.path() / "db", clock_)).value();
    // On the user store's connection, as `serve` does: one process, one connection per file.
    store_ = std::make_unique<auth::SqliteOAuthStore>(users->database());
    users_ = std::move(users);
    auth_ = std::make_unique<auth::AuthService>(
        *users_, hasher_, clock_,
        auth::AuthConfig{"key", std::chrono::seconds(60), std::chrono::seconds(600)});
    ASSERT_TRUE(auth_->bootstrap(std::string("admin-password"), std::string("demo-password")).ok());
    AuthorizationServerOptions options;
    options.refresh_grace = std::chrono::seconds(5);
    documents_ = std::make_unique<ClientDocuments>(source_, clock_);
    server_ = std::make_unique<AuthorizationServer>(*auth_, *users_, *store_, clock_, "key",
                                                    options, documents_.get());
    server_->set_base_url(kBase);
  }

  std::string register_client(std::string_view name = "Tool") {
    WebRequest request{"POST",
                       "",
                       R"({"client_name":")" + std::string(name) + R"(","redirect_uris":[")" +
                           std::string(kRedirect) + "\"]}",
                       "application/json",
                       "",
                       "127.0.0.9",
                       ""};
    const auto reply = server_->register_client(request);
    EXPECT_EQ(reply.status, 201) << reply.body;
    return std::string(parse_json(reply.body)->as_object().at("client_id").as_string());
  }

  std::string authorize_query(const std::string& client_id) {
    return "response_type=code&client_id=" + url_encode(client_id) +
           "&redirect_uri=" + url_encode(kRedirect) +
           "&code_challenge=" + s256_challenge(kVerifier) +
           "&code_challenge_method=S256&state=xyz&resource=" + url_encode(server_->urls().resource);
  }

  // Logs in as demo through the pages and allows; returns the redirect Location.
  std::string consent_flow(const std::string& client_id) {
    const auto page = server_->authorize({"GET", authorize_query(client_id), "", "", "", "a", ""});
    EXPECT_EQ(page.status, 200);
    const auto cookies = cookies_of(page);
    std::string form = authorize_query(client_id) + "&action=login&username=demo&password=demo-" +
                       "password&csrf_token=" + url_encode(hidden(page.body, "csrf_token"));
    const auto consent = server_->authorize(
        {"POST", "", form, "application/x-www-form-urlencoded", cookies, "a", ""});
    EXPECT_EQ(consent.status, 200) << consent.body;
    const auto all_cookies = cookies_of(consent, cookies);
    const auto allowed =
        server_->authorize({"POST", "",
                            authorize_query(client_id) + "&action=allow&csrf_token=" +
                                url_encode(hidden(consent.body, "csrf_token")),
                            "application/x-www-form-urlencoded", all_cookies, "a", ""});
    EXPECT_EQ(allowed.status, 303) << allowed.body;
    return header(allowed, "Location");
  }

  static std::string code_of(const std::string& location) {
    const auto fields = parse_form(location.substr(location.find('?') + 1));
    return std::string(field(*fields, "code"));
  }

  WebReply token(const std::string& form) {
    return server_->token({"POST", "", form, "application/x-www-form-urlencoded", "", "a", ""});
  }

  std::string code_exchange(const std::string& client_id, const std::string& code,
                            const std::string& verifier) {
    return "grant_type=authorization_code&code=" + url_encode(code) +
           "&redirect_uri=" + url_encode(kRedirect) + "&client_id=" + url_encode(client_id) +
           "&code_verifier=" + verifier;
  }

  auth::testing::TempDir dir_;
  FakeClock clock_;
  auth::PasswordHasher hasher_;
  std::unique_ptr<auth::UserStore> users_;
  std::unique_ptr<auth::OAuthStore> store_;
  std::unique_ptr<auth::AuthService> auth_;
  testing::MemoryDocuments source_;
  std::unique_ptr<ClientDocuments> documents_;
  std::unique_ptr<AuthorizationServer> server_;
};

TEST_F(AuthorizationServerTest, TheCodeFlowIssuesTokensForThisResourceOnly) {
  const auto client = register_client();
  const auto location = consent_flow(client);
  EXPECT_EQ(location.rfind(std::string(kRedirect) + "?code=", 0), 0u) << location;
  EXPECT_NE(location.find("&state=xyz&iss=" + url_encode(kBase)), std::string::npos);
  const auto reply = token(code_exchange(client, code_of(location), kVerifier));
  ASSERT_EQ(reply.status, 200) << reply.body;
  EXPECT_EQ(header(reply, "Cache-Control"), "no-store");
  const auto body = parse_json(reply.body)->as_object();
  const std::string access(body.at("access_token").as_string());
  // On a server with another public URL the token is refused (checked first: a token that
  // passed once is remembered, and the audience never changes while a server runs).
  auth_->set_audience("https://elsewhere.example/mcp");
  const auto foreign = auth_->authenticate_access(access);
  ASSERT_FALSE(foreign.ok());
  EXPECT_EQ(foreign.error().detail, "Invalid token: wrong audience");
  server_->set_base_url(kBase);
  const auto principal = auth_->authenticate_access(access);
  ASSERT_TRUE(principal.ok());
  EXPECT_EQ(principal->username, "demo");
  EXPECT_EQ(principal->client_id, client);
  EXPECT_EQ(principal->granted_scopes, std::vector<std::string>{"blender"});
  EXPECT_EQ(body.at("scope"), "blender");
}

TEST_F(AuthorizationServerTest, LoginTokensCarryTheAudienceAndAccessTokensWithoutOneAreRefused) {
  const auto login = auth_->login("demo", "demo-password", "127.0.0.1");
  ASSERT_TRUE(login.ok());
  const auto claims = auth::decode_hs256(login->tokens.access_token, "key");
  ASSERT_TRUE(claims.ok());
  EXPECT_EQ(claims->at("aud"), json::value(server_->urls().resource));
  EXPECT_TRUE(auth_->authenticate_access(login->tokens.access_token).ok());
  // The seed's refresh token carries no aud and still rotates.
  EXPECT_FALSE(auth::decode_hs256(login->tokens.refresh_token, "key")->contains("aud"));
  const auto rotated = auth_->refresh(login->tokens.refresh_token);
  ASSERT_TRUE(rotated.ok()) << rotated.error().detail;
  EXPECT_TRUE(auth_->authenticate_access(rotated->access_token).ok());

  // The same access token without aud, signed with the server's key, is refused.
  auto audless = *claims;
  audless.erase("aud");
  const auto refused = auth_->authenticate_access(auth::sign_hs256(audless, "key"));
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.error().detail, "Invalid token: missing audience");
  EXPECT_EQ(server_->www_authenticate(refused.error().detail),
            "Bearer error=\"invalid_token\", error_description=\"Invalid token: missing "
            "audience\", resource_metadata=\"" +
                std::string(kBase) + "/.well-known/oauth-protected-resource/mcp\"");
}

TEST_F(AuthorizationServerTest, TheChallengeCarriesOnlyCharactersRfc6750Allows) {
  EXPECT_EQ(server_->www_authenticate(""),
            "Bearer resource_metadata=\"" + std::string(kBase) +
                "/.well-known/oauth-protected-resource/mcp\", scope=\"blender\"");
  const auto challenge = server_->www_authenticate("Invalid token: \"x\\y\"\n\xc3\xa9");
  EXPECT_NE(challenge.find("error_description=\"Invalid token:  x y    \","), std::string::npos)
      << challenge;
}

TEST_F(AuthorizationServerTest, ACodeIsSingleUseAndNeedsTheRightVerifierAndClient) {
  const auto client = register_client();
  const auto other = register_client("Other");
  const auto code = code_of(consent_flow(client));
  auto wrong = token(code_exchange(client, code, std::string(50, 'w')));
  EXPECT_EQ(wrong.status, 400);
  EXPECT_NE(wrong.body.find("invalid_grant"), std::string::npos);
  // Spent by the failed attempt: the right verifier is too late.
  EXPECT_NE(token(code_exchange(client, code, kVerifier)).body.find("invalid_grant"),
            std::string::npos);
  const auto second = code_of(consent_flow(client));
  EXPECT_NE(token(code_exchange(other, second, kVerifier)).body.find("another client"),
            std::string::npos);
}

TEST_F(AuthorizationServerTest, RefreshTokensRotateWithOneGraceUseThenTheFamilyDies) {
  const auto client = register_client();
  const auto first =
      parse_json(token(code_exchange(client, code_of(consent_flow(client)), kVerifier)).body)
          ->as_object();
  const std::string refresh(first.at("refresh_token").as_string());
  const auto form =
      "grant_type=refresh_token&client_id=" + client + "&refresh_token=" + url_encode(refresh);
  const auto rotated = token(form);
  ASSERT_EQ(rotated.status, 200) << rotated.body;
  const std::string next(parse_json(rotated.body)->as_object().at("refresh_token").as_string());
  EXPECT_EQ(token(form).status, 200);  // the grace use
  clock_.advance(std::chrono::seconds(6));
  EXPECT_NE(token(form).body.find("already used"), std::string::npos);
  EXPECT_EQ(
      token("grant_type=refresh_token&client_id=" + client + "&refresh_token=" + url_encode(next))
          .status,
      400);
}

TEST_F(AuthorizationServerTest, UnregisteredRedirectsGetAPageNotARedirect) {
  const auto client = register_client();
  auto query = authorize_query(client);
  query.replace(query.find(url_encode(kRedirect)), url_encode(kRedirect).size(),
                url_encode("https://evil.example/cb"));
  const auto reply = server_->authorize({"GET", query, "", "", "", "a", ""});
  EXPECT_EQ(reply.status, 400);
  EXPECT_EQ(header(reply, "Location"), "");
}

TEST_F(AuthorizationServerTest, AForeignResourceIsSentBackAsInvalidTarget) {
  const auto client = register_client();
  auto query = authorize_query(client);
  query = query.substr(0, query.find("&resource=")) +
          "&resource=" + url_encode("https://other.example/mcp");
  const auto reply = server_->authorize({"GET", query, "", "", "", "a", ""});
  EXPECT_EQ(reply.status, 303);
  EXPECT_NE(header(reply, "Location").find("error=invalid_target"), std::string::npos);
}

TEST_F(AuthorizationServerTest, TheClientNameIsEscapedOnThePage) {
  const auto client = register_client("<script>alert(1)</script>");
  const auto page = server_->authorize({"GET", authorize_query(client), "", "", "", "a", ""});
  EXPECT_EQ(page.body.find("<script>"), std::string::npos);
  EXPECT_NE(page.body.find("&lt;script&gt;alert(1)&lt;/script&gt;"), std::string::npos);
  EXPECT_NE(header(page, "Content-Security-Policy").find("default-src 'none'"), std::string::npos);
}

TEST_F(AuthorizationServerTest, AClientIdUrlIsTheClientItsDocumentDescribes) {
  const std::string url = "https://app.example/oauth/client.json";
  source_.serve(
      url, {R"({"client_id":")" + url + R"(","client_name":"<em>Doc App</em>","redirect_uris":[")" +
                std::string(kRedirect) + "\"]}",
            "application/json", std::nullopt});
  const auto page = server_->authorize({"GET", authorize_query(url), "", "", "", "a", ""});
  EXPECT_EQ(page.status, 200) << page.body;
  EXPECT_NE(page.body.find("&lt;em&gt;Doc App&lt;/em&gt;</span> (described by "
                           "<code>app.example</code>)"),
            std::string::npos)
      << page.body;
  const auto location = consent_flow(url);
  const auto code = code_of(location);
  ASSERT_FALSE(code.empty()) << location;
  const auto tokens = token(code_exchange(url, code, kVerifier));
  EXPECT_EQ(tokens.status, 200) << tokens.body;
  EXPECT_EQ(source_.fetches(), 1);  // the pages after the first used the cached document
}

TEST_F(AuthorizationServerTest, AClientIdUrlWhoseDocumentFailsGetsAnErrorPage) {
  const std::string url = "https://app.example/other.json";
  source_.serve(
      url, {R"({"client_id":")" + url + R"(","redirect_uris":["http://127.0.0.1:4567/elsewhere"]})",
            "application/json", std::nullopt});
  // The redirect URI of the request is not one the document lists: no redirect.
  const auto unlisted = server_->authorize({"GET", authorize_query(url), "", "", "", "a", ""});
  EXPECT_EQ(unlisted.status, 400);
  EXPECT_EQ(header(unlisted, "Location"), "");
  EXPECT_NE(unlisted.body.find("Wrong redirect address"), std::string::npos);

  const std::string missing = "https://app.example/missing.json";
  const auto refused = server_->authorize({"GET", authorize_query(missing), "", "", "", "a", ""});
  EXPECT_EQ(refused.status, 400);
  EXPECT_NE(refused.body.find("cannot be fetched: the server answered HTTP 404"), std::string::npos)
      << refused.body;
  const auto plain = server_->authorize(
      {"GET", authorize_query("http://app.example/c.json"), "", "", "", "a", ""});
  EXPECT_NE(plain.body.find("a client_id URL must use https"), std::string::npos) << plain.body;
}

}  // namespace
}  // namespace bmcp::oauth
