// AuthService with a real TokenVerifier and a real SQLite user store: the accounts that
// external tokens create, and our own tokens next to them.
#include <gtest/gtest.h>

#include "../auth/test_support.hpp"
#include "auth/auth_service.hpp"
#include "auth/sqlite_user_store.hpp"
#include "oidc/token_verifier.hpp"
#include "test_keys.hpp"

namespace bmcp::oidc {
namespace {

using testing::TestKey;

constexpr char kIssuer[] = "https://id.example";
constexpr char kAudience[] = "https://blender.example/mcp";

class ExternalAccountsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto store = auth::SqliteUserStore::open(dir_.path() / "users.db", clock_);
    ASSERT_TRUE(store.ok());
    store_ = std::move(store).value();
    service_ = std::make_unique<auth::AuthService>(*store_, hasher(), clock_,
                                                   auth::AuthConfig{"test-signing-key"});
    service_->set_audience(kAudience);
    ProviderSettings settings;
    settings.issuer = kIssuer;
    settings.audience = kAudience;
    settings.roles_claim = "roles";
    verifier_ = std::make_unique<TokenVerifier>(
        settings,
        [this](const std::string& url) -> Result<std::string, std::string> {
          if (url == discovery_url(kIssuer)) {
            return to_json_text(
                json::object{{"issuer", kIssuer}, {"jwks_uri", "https://id.example/jwks"}});
          }
          return testing::key_set_document({&key_});
        },
        clock_);
    service_->set_external_tokens(verifier_.get());
  }

  static const auth::PasswordHasher& hasher() {
    static const auth::PasswordHasher instance;
    return instance;
  }

  std::string token(std::string sub, json::array roles = {}) {
    const auto now =
        std::chrono::duration_cast<std::chrono::seconds>(clock_.wall_now().time_since_epoch())
            .count();
    return key_.sign({{"iss", kIssuer},
                      {"aud", kAudience},
                      {"sub", std::move(sub)},
                      {"exp", now + 300},
                      {"roles", std::move(roles)}});
  }

  auth::testing::TempDir dir_;
  FakeClock clock_;
  std::unique_ptr<auth::SqliteUserStore> store_;
  std::unique_ptr<auth::AuthService> service_;
  TestKey key_ = TestKey::p256("k1");
  std::unique_ptr<TokenVerifier> verifier_;
};

TEST_F(ExternalAccountsTest, TheFirstTokenCreatesTheUserWithoutAPassword) {
  const auto principal = service_->authenticate_access(token("alice"));
  ASSERT_TRUE(principal) << principal.error().detail;
  EXPECT_EQ(principal->username, "alice");
  EXPECT_EQ(principal->roles, auth::default_user_roles());
  const auto user = store_->find("alice");
  ASSERT_TRUE(user);
  EXPECT_EQ(user->password_hash, auth::external_password_marker(kIssuer));
  EXPECT_EQ(principal->uid, user->uid);
  // No password logs in to it.
  EXPECT_FALSE(service_->login("alice", auth::external_password_marker(kIssuer), "192.0.2.1"));
  // The second token finds the same account.
  EXPECT_EQ(service_->authenticate_access(token("alice"))->uid, user->uid);
}

TEST_F(ExternalAccountsTest, RolesFollowTheToken) {
  EXPECT_TRUE(service_->authenticate_access(token("root", {"admin"}))->has_role("admin"));
  EXPECT_EQ(store_->find("root")->roles, auth::admin_roles());
  EXPECT_FALSE(service_->authenticate_access(token("root", {"user"}))->has_role("admin"));
  EXPECT_EQ(store_->find("root")->roles, auth::default_user_roles());
}

TEST_F(ExternalAccountsTest, ALocalAccountOfTheSameNameRefusesTheToken) {
  ASSERT_TRUE(store_->add(
      auth::UserRecord{"admin", hasher().hash("pw"), auth::admin_roles(), auth::admin_scopes()}));
  const auto refused = service_->authenticate_access(token("admin", {"admin"}));
  ASSERT_FALSE(refused);
  EXPECT_EQ(refused.error().kind, auth::AuthFailure::Kind::kUnauthorized);
  EXPECT_EQ(refused.error().detail,
            "Invalid token: the user name admin belongs to an account not created by this "
            "provider");
  EXPECT_EQ(store_->find("admin")->password_hash.substr(0, 9), "$argon2id");
}

TEST_F(ExternalAccountsTest, OurOwnTokensStillWork) {
  ASSERT_TRUE(store_->add(
      auth::UserRecord{"demo", hasher().hash("pw"), {"user"}, auth::default_user_scopes()}));
  const auto login = service_->login("demo", "pw", "192.0.2.1");
  ASSERT_TRUE(login);
  EXPECT_EQ(service_->authenticate_access(login->tokens.access_token)->username, "demo");
  // A token of neither kind is refused with the provider's reason.
  EXPECT_EQ(
      service_->authenticate_access(TestKey::p256("stranger").sign({{"sub", "x"}})).error().detail,
      "Invalid token: unknown signing key");
}

}  // namespace
}  // namespace bmcp::oidc
