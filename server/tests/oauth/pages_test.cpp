#include "oauth/pages.hpp"

#include <gtest/gtest.h>

namespace bmcp::oauth {
namespace {

const PageForm kForm{{{"client_id", "c\"1"}, {"state", "<s>"}}, "csrf&token"};
const ClientShown kClient{"<b>Tool</b>", "127.0.0.1:5000", ""};

TEST(PagesTest, TheLoginFormCarriesTheRequestAndTheCsrfTokenEscaped) {
  const auto page = login_page(kForm, kClient, "Wrong <password>", "nonce1");
  EXPECT_NE(page.find(R"(name="client_id" value="c&quot;1")"), std::string::npos);
  EXPECT_NE(page.find(R"(name="state" value="&lt;s&gt;")"), std::string::npos);
  EXPECT_NE(page.find(R"(name="csrf_token" value="csrf&amp;token")"), std::string::npos);
  EXPECT_NE(page.find("&lt;b&gt;Tool&lt;/b&gt;"), std::string::npos);
  EXPECT_NE(page.find("Wrong &lt;password&gt;"), std::string::npos);
  EXPECT_NE(page.find(R"(<style nonce="nonce1">)"), std::string::npos);
  EXPECT_NE(page.find(R"(type="password")"), std::string::npos);
  EXPECT_EQ(page.find("<script"), std::string::npos);
  EXPECT_EQ(page.find("<b>Tool"), std::string::npos);
}

TEST(PagesTest, TheConsentPageNamesClientRedirectHostAccountAndScopes) {
  const auto page = consent_page(kForm, kClient, "demo", {"blender", "blender:admin"}, "n");
  EXPECT_NE(page.find("127.0.0.1:5000"), std::string::npos);
  EXPECT_NE(page.find("<b>demo</b>"), std::string::npos);
  EXPECT_NE(page.find("<code>blender</code>"), std::string::npos);
  EXPECT_NE(page.find("<code>blender:admin</code>"), std::string::npos);
  EXPECT_NE(page.find(R"(value="allow")"), std::string::npos);
  EXPECT_NE(page.find(R"(value="deny")"), std::string::npos);
}

TEST(PagesTest, ADocumentClientIsShownWithTheHostThatDescribesIt) {
  const ClientShown client{"<i>App</i>", "app.example", "docs.<x>.example"};
  for (const auto& page : {login_page(kForm, client, "", "n"),
                           consent_page(kForm, client, "demo", {"blender"}, "n")}) {
    EXPECT_NE(page.find("&lt;i&gt;App&lt;/i&gt;</span> (described by "
                        "<code>docs.&lt;x&gt;.example</code>)"),
              std::string::npos)
        << page;
  }
  EXPECT_EQ(login_page(kForm, kClient, "", "n").find("described by"), std::string::npos);
}

TEST(PagesTest, AnErrorPageSendsNobodyAnywhere) {
  const auto page = error_page("Bad <request>", "the detail", "n");
  EXPECT_NE(page.find("Bad &lt;request&gt;"), std::string::npos);
  EXPECT_EQ(page.find("<form"), std::string::npos);
  EXPECT_EQ(page.find("refresh"), std::string::npos);
}

}  // namespace
}  // namespace bmcp::oauth
