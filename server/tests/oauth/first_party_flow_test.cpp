#include "oauth/first_party_flow.hpp"

#include <gtest/gtest.h>

#include "../auth/test_support.hpp"
#include "auth/sqlite_oauth_store.hpp"
#include "auth/sqlite_user_store.hpp"
#include "core/web_text.hpp"
#include "oauth/authorization_server.hpp"

namespace bmcp::oauth {
namespace {

constexpr std::string_view kBase = "http://127.0.0.1:8000";
constexpr std::string_view kClientId = "blender-mcp-console";
constexpr std::string_view kCallback = "http://127.0.0.1:8000/console/oauth/callback";

std::string header(const WebReply& reply, std::string_view name) {
  for (const auto& [key, value] : reply.headers)
    if (key == name)
      return value;
  return "";
}

// A Cookie header of the cookie values `set_cookies` set, after `cookies`.
std::string with_cookies(const std::vector<std::string>& set_cookies, std::string cookies = "") {
  for (const auto& value : set_cookies)
    cookies += (cookies.empty() ? "" : "; ") + value.substr(0, value.find(';'));
  return cookies;
}

std::vector<std::string> set_cookies_of(const WebReply& reply) {
  std::vector<std::string> out;
  for (const auto& [key, value] : reply.headers)
    if (key == "Set-Cookie")
      out.push_back(value);
  return out;
}

std::string hidden(const std::string& page, std::string_view name) {
  const auto marker = "name=\"" + std::string(name) + "\" value=\"";
  const auto at = page.find(marker);
  if (at == std::string::npos)
    return "";
  const auto start = at + marker.size();
  return page.substr(start, page.find('"', start) - start);
}

FormFields query_of(const std::string& url) {
  return parse_form(url.substr(url.find('?') + 1)).value_or(FormFields{});
}

class FirstPartyFlowTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto users = std::move(auth::SqliteUserStore::open(dir_.path() / "db", clock_)).value();
    store_ = std::make_unique<auth::SqliteOAuthStore>(users->database());
    users_ = std::move(users);
    auth_ = std::make_unique<auth::AuthService>(
        *users_, hasher_, clock_,
        auth::AuthConfig{"key", std::chrono::seconds(60), std::chrono::seconds(600)});
    ASSERT_TRUE(auth_->bootstrap(std::string("admin-password"), std::string("demo-password")).ok());
    AuthorizationServerOptions options;
    options.first_party.push_back(
        {std::string(kClientId), "blender-mcp console", "/console/oauth/callback"});
    server_ =
        std::make_unique<AuthorizationServer>(*auth_, *users_, *store_, clock_, "key", options);
    server_->set_base_url(kBase);
    flow_ = std::make_unique<FirstPartyFlow>(*server_, clock_, std::string(kClientId), "key",
                                             "flow", std::chrono::seconds(600));
  }

  struct Callback {
    std::string url;      // where /authorize sent the browser
    std::string cookies;  // the browser's cookies by then (the flow's and /authorize's)
  };

  // The browser part: start, the login page, signing in as demo; the callback it reaches.
  Callback sign_in(std::string cookies = "") {
    const auto started = flow_->start();
    cookies = with_cookies({started.set_cookie}, cookies);
    const auto query = started.location.substr(started.location.find('?') + 1);
    auto page = server_->authorize({"GET", query, "", "", cookies, "a", ""});
    cookies = with_cookies(set_cookies_of(page), cookies);
    if (page.status == 200) {
      const auto form = query + "&action=login&username=demo&password=demo-password&csrf_token=" +
                        url_encode(hidden(page.body, "csrf_token"));
      page = server_->authorize(
          {"POST", "", form, "application/x-www-form-urlencoded", cookies, "a", ""});
      cookies = with_cookies(set_cookies_of(page), cookies);
    }
    EXPECT_EQ(page.status, 303) << page.body;
    return {header(page, "Location"), cookies};
  }

  static std::string query(const std::string& url) { return url.substr(url.find('?') + 1); }

  auth::testing::TempDir dir_;
  FakeClock clock_;
  auth::PasswordHasher hasher_;
  std::unique_ptr<auth::UserStore> users_;
  std::unique_ptr<auth::OAuthStore> store_;
  std::unique_ptr<auth::AuthService> auth_;
  std::unique_ptr<AuthorizationServer> server_;
  std::unique_ptr<FirstPartyFlow> flow_;
};

TEST_F(FirstPartyFlowTest, StartAsksForACodeWithPkceAndKeepsStateAndVerifierInASignedCookie) {
  const auto started = flow_->start();
  ASSERT_EQ(started.location.rfind(std::string(kBase) + "/authorize?", 0), 0u);
  const auto fields = query_of(started.location);
  EXPECT_EQ(field(fields, "response_type"), "code");
  EXPECT_EQ(field(fields, "client_id"), kClientId);
  EXPECT_EQ(field(fields, "redirect_uri"), kCallback);
  EXPECT_EQ(field(fields, "code_challenge_method"), "S256");
  EXPECT_EQ(field(fields, "code_challenge").size(), 43u);
  EXPECT_EQ(field(fields, "resource"), std::string(kBase) + "/mcp");
  EXPECT_FALSE(field(fields, "state").empty());
  EXPECT_EQ(started.set_cookie.rfind("flow=" + std::string(field(fields, "state")) + ".", 0), 0u);
  EXPECT_NE(started.set_cookie.find("; Path=/console/oauth/callback; HttpOnly; SameSite=Lax; "
                                    "Max-Age=600"),
            std::string::npos)
      << started.set_cookie;
  EXPECT_EQ(started.set_cookie.find("Secure"), std::string::npos);
  EXPECT_NE(flow_->start().location, started.location);  // a new state every time
  EXPECT_EQ(flow_->clear_cookie(),
            "flow=; Path=/console/oauth/callback; HttpOnly; SameSite=Lax; Max-Age=0");
}

TEST_F(FirstPartyFlowTest, TheBuiltInClientSkipsConsentAndTheCodeSignsTheAccountIn) {
  const auto callback = sign_in();
  ASSERT_EQ(callback.url.rfind(std::string(kCallback) + "?code=", 0), 0u) << callback.url;
  EXPECT_EQ(field(query_of(callback.url), "iss"), kBase);
  const auto user = flow_->finish(query(callback.url), callback.cookies);
  ASSERT_TRUE(user.ok());
  EXPECT_EQ(user->username, "demo");
}

TEST_F(FirstPartyFlowTest, ABrowserSignedInAtAuthorizeGetsTheCodeWithoutAnyPage) {
  const auto first = sign_in();
  // The same browser (its /authorize cookies kept, the finished flow's dropped) starts again.
  std::string cookies;
  for (const auto& [name, value] : parse_cookies(first.cookies)) {
    if (name != "flow")
      cookies += (cookies.empty() ? "" : "; ") + name + "=" + value;
  }
  const auto started = flow_->start();
  const auto reply = server_->authorize({"GET", query(started.location), "", "",
                                         with_cookies({started.set_cookie}, cookies), "a", ""});
  ASSERT_EQ(reply.status, 303) << reply.body;
  const auto location = header(reply, "Location");
  const auto user = flow_->finish(query(location), with_cookies({started.set_cookie}, cookies));
  ASSERT_TRUE(user.ok());
  EXPECT_EQ(user->username, "demo");
}

TEST_F(FirstPartyFlowTest, AStateOrIssuerThatDoesNotMatchTheCookieSignsNobodyIn) {
  using Failure = FirstPartyFlow::Failure;
  const auto callback = sign_in();
  const auto fields = query_of(callback.url);
  const std::string code(field(fields, "code"));
  const auto with = [&](std::string_view state, std::string_view iss) {
    return "code=" + url_encode(code) + "&state=" + url_encode(state) + "&iss=" + url_encode(iss);
  };
  const std::string state(field(fields, "state"));
  EXPECT_EQ(flow_->finish(query(callback.url), "").error(), Failure::kBadState);  // no cookie
  EXPECT_EQ(flow_->finish(with("other", kBase), callback.cookies).error(), Failure::kBadState);
  EXPECT_EQ(flow_->finish(with(state, "https://evil.example"), callback.cookies).error(),
            Failure::kBadState);
  EXPECT_EQ(flow_->finish("code=" + code + "&state=" + state, callback.cookies).error(),
            Failure::kBadState);  // no iss
  // A cookie signed with another key, or changed, is no flow of this server's.
  const FirstPartyFlow foreign(*server_, clock_, std::string(kClientId), "other key", "flow");
  EXPECT_EQ(foreign.finish(query(callback.url), callback.cookies).error(), Failure::kBadState);
  auto tampered = callback.cookies;
  tampered.insert(tampered.find("flow=") + 5, "x");
  EXPECT_EQ(flow_->finish(query(callback.url), tampered).error(), Failure::kBadState);
  // None of that spent the code.
  EXPECT_TRUE(flow_->finish(query(callback.url), callback.cookies).ok());
}

TEST_F(FirstPartyFlowTest, AnExpiredFlowSignsNobodyIn) {
  const auto callback = sign_in();
  clock_.advance(std::chrono::seconds(601));
  EXPECT_EQ(flow_->finish(query(callback.url), callback.cookies).error(),
            FirstPartyFlow::Failure::kBadState);
}

TEST_F(FirstPartyFlowTest, ErrorsFromAuthorizeAreReportedAfterTheStateCheck) {
  using Failure = FirstPartyFlow::Failure;
  const auto started = flow_->start();
  const auto cookies = with_cookies({started.set_cookie});
  const std::string state(field(query_of(started.location), "state"));
  const auto answer = [&](std::string_view error, std::string_view with_state) {
    return "error=" + std::string(error) + "&state=" + std::string(with_state) +
           "&iss=" + url_encode(kBase);
  };
  EXPECT_EQ(flow_->finish(answer("access_denied", state), cookies).error(), Failure::kDenied);
  EXPECT_EQ(flow_->finish(answer("invalid_scope", state), cookies).error(), Failure::kRefused);
  EXPECT_EQ(flow_->finish(answer("access_denied", "forged"), cookies).error(), Failure::kBadState);
  EXPECT_EQ(failure_word(Failure::kDenied), "denied");
  EXPECT_EQ(failure_word(Failure::kAccountGone), "account_gone");
}

TEST_F(FirstPartyFlowTest, ACodeIsRedeemedOnceAndOnlyForItsAccount) {
  using Failure = FirstPartyFlow::Failure;
  const auto callback = sign_in();
  ASSERT_TRUE(flow_->finish(query(callback.url), callback.cookies).ok());
  EXPECT_EQ(flow_->finish(query(callback.url), callback.cookies).error(), Failure::kInvalidCode);
  const auto fields = query_of(callback.url);
  const auto unknown =
      "code=nothing&state=" + url_encode(field(fields, "state")) + "&iss=" + url_encode(kBase);
  EXPECT_EQ(flow_->finish(unknown, callback.cookies).error(), Failure::kInvalidCode);

  const auto next = sign_in();
  ASSERT_TRUE(users_->remove("demo").ok());
  EXPECT_EQ(flow_->finish(query(next.url), next.cookies).error(), Failure::kAccountGone);
}

TEST_F(FirstPartyFlowTest, TheBuiltInClientNeverRedeemsAtTheTokenEndpoint) {
  const auto callback = sign_in();
  const std::string code(field(query_of(callback.url), "code"));
  const auto reply = server_->token({"POST", "",
                                     "grant_type=authorization_code&code=" + url_encode(code) +
                                         "&redirect_uri=" + url_encode(kCallback) +
                                         "&client_id=" + std::string(kClientId) +
                                         "&code_verifier=" + std::string(50, 'v'),
                                     "application/x-www-form-urlencoded", "", "a", ""});
  EXPECT_EQ(reply.status, 401);
  EXPECT_NE(reply.body.find("invalid_client"), std::string::npos) << reply.body;
  // Not spent by that attempt.
  EXPECT_TRUE(flow_->finish(query(callback.url), callback.cookies).ok());
  // Codes of other clients are not redeemed in-process.
  const auto other =
      server_->redeem_first_party_code("registered", code, kCallback, std::string(50, 'v'));
  ASSERT_FALSE(other.ok());
  EXPECT_EQ(other.error().kind, CodeRefusal::Kind::kInvalidClient);
}

TEST_F(FirstPartyFlowTest, OnlyTheBuiltInRedirectUriIsAccepted) {
  const auto started = flow_->start();
  auto fields = query_of(started.location);
  fields["redirect_uri"] = "http://127.0.0.1:4567/callback";
  std::string query;
  for (const auto& [name, value] : fields)
    query += (query.empty() ? "" : "&") + name + "=" + url_encode(value);
  const auto reply = server_->authorize({"GET", query, "", "", "", "a", ""});
  EXPECT_EQ(reply.status, 400);
  EXPECT_EQ(header(reply, "Location"), "");
  EXPECT_EQ(server_->first_party_redirect_uri(kClientId), kCallback);
  EXPECT_EQ(server_->first_party_redirect_uri("other"), "");
  // A stored row under the built-in client_id (none can be registered: registered ids are
  // random) changes nothing: the built-in client is looked up first.
  ASSERT_TRUE(store_
                  ->add_client({std::string(kClientId),
                                "impostor",
                                {"http://127.0.0.1:4567/callback"},
                                "127.0.0.9",
                                0})
                  .ok());
  EXPECT_EQ(server_->authorize({"GET", query, "", "", "", "a", ""}).status, 400);
  const auto built_in = started.location.substr(started.location.find('?') + 1);
  EXPECT_EQ(server_->authorize({"GET", built_in, "", "", "", "a", ""}).status, 200);
}

}  // namespace
}  // namespace bmcp::oauth
