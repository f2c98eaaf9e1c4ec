#include "auth/auth_service.hpp"

#include <gtest/gtest.h>

#include <atomic>
#include <fstream>
#include <iterator>
#include <thread>
#include <vector>

#include "auth/jwt_codec.hpp"
#include "auth/sqlite_oauth_store.hpp"
#include "auth/sqlite_user_store.hpp"
#include "jwt_test_support.hpp"
#include "test_support.hpp"

namespace bmcp::auth {
namespace {

using Kind = AuthFailure::Kind;
using std::chrono::milliseconds;
using std::chrono::seconds;

constexpr std::string_view kKey = "test-signing-key";
constexpr std::string_view kAddress = "192.0.2.7";
constexpr std::string_view kPassword = "demo-password";

class AuthServiceTest : public ::testing::Test {
 protected:
  void SetUp() override {
    // With the presence cache, as the server opens it.
    auto store = SqliteUserStore::open(dir_.path() / "users.db", clock_, milliseconds(3000));
    ASSERT_TRUE(store.ok());
    store_ = std::move(store).value();
    service_ = std::make_unique<AuthService>(
        *store_, hasher(), clock_,
        AuthConfig{std::string(kKey), seconds(1800), seconds(std::int64_t{7} * 86400)});
  }

  void add_demo(std::vector<std::string> roles = {"user"}) {
    ASSERT_TRUE(
        store_->add(UserRecord{"demo", demo_hash(), std::move(roles), {"read", "write"}, 0, 0})
            .ok());
  }

  TokenPair login_demo() {
    auto result = service_->login("demo", kPassword, kAddress);
    EXPECT_TRUE(result.ok());
    return result.ok() ? result->tokens : TokenPair{};
  }

  // The failure of a call that must fail, with an empty one when it did not.
  template <class T>
  static AuthFailure failure_of(const Result<T, AuthFailure>& result) {
    EXPECT_FALSE(result.ok());
    return result.ok() ? AuthFailure{} : result.error();
  }

  static void expect_unauthorized(const AuthFailure& failure, std::string_view detail) {
    EXPECT_EQ(failure.kind, Kind::kUnauthorized);
    EXPECT_EQ(failure.detail, detail);
  }

  // Hashing costs tens of milliseconds, so the suite makes one hasher and one demo hash.
  static const PasswordHasher& hasher() {
    static const PasswordHasher instance;
    return instance;
  }
  static const std::string& demo_hash() {
    static const std::string hash = hasher().hash(kPassword);
    return hash;
  }

  testing::TempDir dir_;
  FakeClock clock_;
  std::unique_ptr<UserStore> store_;
  std::unique_ptr<AuthService> service_;
};

// --- login ---------------------------------------------------------------------------------

TEST_F(AuthServiceTest, LoginReturnsATokenPairAndTheUser) {
  add_demo();
  const auto result = service_->login("demo", kPassword, kAddress);
  ASSERT_TRUE(result.ok());
  EXPECT_EQ(result->tokens.expires_in, 1800);
  EXPECT_FALSE(result->tokens.access_token.empty());
  EXPECT_FALSE(result->tokens.refresh_token.empty());
  EXPECT_EQ(result->user.user_id, "demo");
  EXPECT_EQ(result->user.username, "demo");
  EXPECT_EQ(result->user.roles, std::vector<std::string>{"user"});
  EXPECT_EQ(result->user.scopes, (std::vector<std::string>{"read", "write"}));
}

TEST_F(AuthServiceTest, TheAccessTokenFromLoginAuthenticates) {
  add_demo();
  const auto principal = service_->authenticate_access(login_demo().access_token);
  ASSERT_TRUE(principal.ok());
  EXPECT_EQ(principal->user_id, "demo");
}

TEST_F(AuthServiceTest, AWrongPasswordIsInvalidCredentials) {
  add_demo();
  expect_unauthorized(failure_of(service_->login("demo", "wrong", kAddress)),
                      "Invalid credentials");
}

TEST_F(AuthServiceTest, AnUnknownUserIsInvalidCredentialsToo) {
  expect_unauthorized(failure_of(service_->login("nobody", kPassword, kAddress)),
                      "Invalid credentials");
}

TEST_F(AuthServiceTest, AnEmptyUsernameOrPasswordIsABadRequest) {
  for (const auto& [username, password] :
       {std::pair<std::string_view, std::string_view>{"", "x"}, {"demo", ""}, {"", ""}}) {
    const auto failure = failure_of(service_->login(username, password, kAddress));
    EXPECT_EQ(failure.kind, Kind::kBadRequest);
    EXPECT_EQ(failure.detail, "username and password required");
  }
}

TEST_F(AuthServiceTest, FiveFailedLoginsRateLimitEvenTheRightPassword) {
  add_demo();
  for (int i = 0; i < 5; ++i) {
    (void)service_->login("demo", "wrong", kAddress);
  }
  const auto failure = failure_of(service_->login("demo", kPassword, kAddress));
  EXPECT_EQ(failure.kind, Kind::kRateLimited);
  EXPECT_EQ(failure.detail, "Too many failed login attempts");
  EXPECT_EQ(failure.retry_after, seconds(300));
}

TEST_F(AuthServiceTest, UnknownUsersAreRateLimitedLikeKnownOnes) {
  for (int i = 0; i < 5; ++i) {
    (void)service_->login("nobody", "wrong", kAddress);
  }
  EXPECT_EQ(failure_of(service_->login("nobody", "wrong", kAddress)).kind, Kind::kRateLimited);
}

TEST_F(AuthServiceTest, RateLimitedAttemptsAreNotCounted) {
  add_demo();
  for (int i = 0; i < 5; ++i) {
    (void)service_->login("demo", "wrong", kAddress);
  }
  clock_.advance(seconds(200));
  (void)service_->login("demo", "wrong", kAddress);  // refused at once, not counted
  clock_.advance(seconds(100));
  EXPECT_TRUE(service_->login("demo", kPassword, kAddress).ok());
}

TEST_F(AuthServiceTest, ThePairLimitHoldsTheUserBackElsewhereOnlyForTheAccountDelay) {
  add_demo();
  for (int i = 0; i < 5; ++i) {
    (void)service_->login("demo", "wrong", kAddress);
  }
  const auto failure = failure_of(service_->login("demo", kPassword, "198.51.100.1"));
  EXPECT_EQ(failure.kind, Kind::kRateLimited);
  EXPECT_EQ(failure.retry_after, seconds(1));
  clock_.advance(seconds(1));
  EXPECT_TRUE(service_->login("demo", kPassword, "198.51.100.1").ok());
}

TEST_F(AuthServiceTest, AnAccountSlowedByFailuresElsewhereDoesNotSlowOtherAccounts) {
  add_demo();
  for (int i = 0; i < 5; ++i) {
    (void)service_->login("demo", "wrong", "198.51.100." + std::to_string(i));
  }
  EXPECT_EQ(failure_of(service_->login("demo", kPassword, kAddress)).kind, Kind::kRateLimited);
  EXPECT_EQ(failure_of(service_->login("other", "wrong", "198.51.100.0")).kind,
            Kind::kUnauthorized);
}

TEST_F(AuthServiceTest, ASuccessfulLoginClearsThePairsFailures) {
  add_demo();
  for (int i = 0; i < 4; ++i) {
    (void)service_->login("demo", "wrong", kAddress);
  }
  ASSERT_TRUE(service_->login("demo", kPassword, kAddress).ok());
  for (int i = 0; i < 4; ++i) {
    (void)service_->login("demo", "wrong", kAddress);
  }
  EXPECT_TRUE(service_->login("demo", kPassword, kAddress).ok());
}

TEST_F(AuthServiceTest, TheRefreshTokenStringIsNeverStored) {
  add_demo();
  const TokenPair tokens = login_demo();
  const std::string signature = tokens.refresh_token.substr(tokens.refresh_token.rfind('.') + 1);
  store_.reset();  // close the database so everything is on disk
  for (const auto& entry : std::filesystem::directory_iterator(dir_.path())) {
    std::ifstream in(entry.path(), std::ios::binary);
    const std::string bytes{std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
    EXPECT_EQ(bytes.find(signature), std::string::npos) << entry.path();
    EXPECT_EQ(bytes.find(tokens.refresh_token), std::string::npos) << entry.path();
  }
}

// --- refresh -------------------------------------------------------------------------------

TEST_F(AuthServiceTest, RefreshIssuesANewPair) {
  add_demo();
  const TokenPair first = login_demo();
  const auto second = service_->refresh(first.refresh_token);
  ASSERT_TRUE(second.ok());
  EXPECT_NE(second->refresh_token, first.refresh_token);
  EXPECT_NE(second->access_token, first.access_token);
  EXPECT_EQ(second->expires_in, 1800);
  EXPECT_TRUE(service_->authenticate_access(second->access_token).ok());
}

TEST_F(AuthServiceTest, RefreshTokenIsRejectedAfterRotation) {
  add_demo();
  const TokenPair first = login_demo();
  ASSERT_TRUE(service_->refresh(first.refresh_token).ok());
  expect_unauthorized(failure_of(service_->refresh(first.refresh_token)), "Invalid refresh token");
}

TEST_F(AuthServiceTest, TheRotatedRefreshTokenGetsAFullLifetime) {
  add_demo();
  const TokenPair first = login_demo();
  clock_.advance(seconds(6 * 86400));
  const auto second = service_->refresh(first.refresh_token);
  ASSERT_TRUE(second.ok());
  clock_.advance(seconds(6 * 86400));  // 12 days after login, 6 after the rotation
  EXPECT_TRUE(service_->refresh(second->refresh_token).ok());
}

TEST_F(AuthServiceTest, AnExpiredRefreshTokenIsAnInvalidToken) {
  add_demo();
  const TokenPair first = login_demo();
  clock_.advance(seconds(7 * 86400));
  expect_unauthorized(failure_of(service_->refresh(first.refresh_token)),
                      "Invalid token: token expired");
}

TEST_F(AuthServiceTest, RefreshWithGarbageIsAMalformedToken) {
  expect_unauthorized(failure_of(service_->refresh("garbage")), "Invalid token: malformed token");
  expect_unauthorized(failure_of(service_->refresh("")), "Invalid token: malformed token");
}

TEST_F(AuthServiceTest, RefreshWithATamperedTokenFailsSignatureVerification) {
  add_demo();
  expect_unauthorized(failure_of(service_->refresh(testing::tamper(login_demo().refresh_token, 2))),
                      "Invalid token: signature verification failed");
}

TEST_F(AuthServiceTest, RefreshWithAnAlgNoneTokenIsAlgNotAllowed) {
  const std::string token = testing::libjwt_token(
      JWT_ALG_NONE, R"({"sub":"demo","typ":"refresh","exp":99999999999})", "");
  expect_unauthorized(failure_of(service_->refresh(token)), "Invalid token: alg not allowed");
}

TEST_F(AuthServiceTest, RefreshWithATokenWithoutSubIsMissingSub) {
  const std::string token = sign_hs256({{"typ", "refresh"}, {"exp", 99999999999}}, kKey);
  expect_unauthorized(failure_of(service_->refresh(token)), "Token missing sub");
}

TEST_F(AuthServiceTest, RefreshWithAnAccessTokenIsNotARefreshToken) {
  add_demo();
  expect_unauthorized(failure_of(service_->refresh(login_demo().access_token)),
                      "Not a refresh token");
}

TEST_F(AuthServiceTest, AWellSignedRefreshTokenThatWasNeverRecordedIsInvalid) {
  add_demo();
  const TokenService same_key(std::string(kKey), clock_, seconds(1800), seconds(86400));
  expect_unauthorized(
      failure_of(service_->refresh(same_key.issue_refresh(*store_->find("demo")).token)),
      "Invalid refresh token");
}

TEST_F(AuthServiceTest, RefreshAfterTheUserWasRemovedIsRefused) {
  add_demo();
  const TokenPair tokens = login_demo();
  ASSERT_TRUE(store_->remove("demo").ok());
  // Removal revokes the user's refresh tokens, and that check comes first.
  expect_unauthorized(failure_of(service_->refresh(tokens.refresh_token)), "Invalid refresh token");
}

TEST_F(AuthServiceTest, ConcurrentRefreshesOfOneTokenFromEightThreadsSucceedOnce) {
  add_demo();
  const TokenPair tokens = login_demo();
  std::atomic<int> successes{0};
  std::vector<std::thread> threads;
  threads.reserve(8);
  for (int i = 0; i < 8; ++i) {
    threads.emplace_back([&] {
      if (service_->refresh(tokens.refresh_token).ok()) {
        ++successes;
      }
    });
  }
  for (auto& thread : threads) {
    thread.join();
  }
  EXPECT_EQ(successes.load(), 1);
}

// --- logout --------------------------------------------------------------------------------

TEST_F(AuthServiceTest, LogoutRevokesEveryRefreshTokenOfTheUser) {
  add_demo();
  const TokenPair first = login_demo();
  const TokenPair second = login_demo();
  EXPECT_TRUE(service_->logout(first.access_token).ok());
  EXPECT_EQ(failure_of(service_->refresh(first.refresh_token)).detail, "Invalid refresh token");
  EXPECT_EQ(failure_of(service_->refresh(second.refresh_token)).detail, "Invalid refresh token");
}

TEST_F(AuthServiceTest, LogoutWithARefreshTokenAlsoRevokes) {
  add_demo();
  const TokenPair tokens = login_demo();
  EXPECT_TRUE(service_->logout(tokens.refresh_token).ok());
  EXPECT_FALSE(service_->refresh(tokens.refresh_token).ok());
}

TEST_F(AuthServiceTest, LogoutAcceptsAnExpiredToken) {
  add_demo();
  const TokenPair tokens = login_demo();
  clock_.advance(seconds(3600));  // the access token has expired, the refresh token has not
  EXPECT_TRUE(service_->logout(tokens.access_token).ok());
  EXPECT_FALSE(service_->refresh(tokens.refresh_token).ok());
}

TEST_F(AuthServiceTest, LogoutWithATokenThatDoesNotVerifyChangesNothing) {
  add_demo();
  const TokenPair tokens = login_demo();
  EXPECT_TRUE(service_->logout(testing::tamper(tokens.access_token, 2)).ok());
  EXPECT_TRUE(service_->logout("garbage").ok());
  const TokenService other_key("another-key", clock_, seconds(60), seconds(60));
  EXPECT_TRUE(
      service_->logout(other_key.issue_access(UserRecord{"demo", "", {}, {}, 0, 0}).token).ok());
  EXPECT_TRUE(service_->refresh(tokens.refresh_token).ok());
}

TEST_F(AuthServiceTest, AccessTokensStayValidAfterLogout) {
  add_demo();
  const TokenPair tokens = login_demo();
  EXPECT_TRUE(service_->logout(tokens.access_token).ok());
  EXPECT_TRUE(service_->authenticate_access(tokens.access_token).ok());
}

// --- authenticate_access -------------------------------------------------------------------

TEST_F(AuthServiceTest, APrincipalIsBuiltFromTheTokenClaims) {
  add_demo({"user", "admin"});
  const auto principal = service_->authenticate_access(login_demo().access_token);
  ASSERT_TRUE(principal.ok());
  EXPECT_EQ(principal->user_id, "demo");
  EXPECT_EQ(principal->username, "demo");
  EXPECT_EQ(principal->uid, store_->find("demo")->uid);
  EXPECT_TRUE(principal->has_role("admin"));
  EXPECT_FALSE(principal->has_role("root"));
  EXPECT_EQ(principal->scopes, (std::vector<std::string>{"read", "write"}));
}

TEST_F(AuthServiceTest, ARefreshTokenIsNotAnAccessToken) {
  add_demo();
  expect_unauthorized(failure_of(service_->authenticate_access(login_demo().refresh_token)),
                      "Not an access token");
}

TEST_F(AuthServiceTest, AnAccessTokenOfARemovedUserIsUserNotFound) {
  add_demo();
  const TokenPair tokens = login_demo();
  ASSERT_TRUE(store_->remove("demo").ok());
  expect_unauthorized(failure_of(service_->authenticate_access(tokens.access_token)),
                      "User not found");
}

TEST_F(AuthServiceTest, AnExpiredAccessTokenIsRefused) {
  add_demo();
  const TokenPair tokens = login_demo();
  clock_.advance(seconds(1800));
  expect_unauthorized(failure_of(service_->authenticate_access(tokens.access_token)),
                      "Invalid token: token expired");
}

TEST_F(AuthServiceTest, EveryVerificationFailureReachesTheAccessCheck) {
  const std::string exp = std::to_string(99999999999);
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"not.a.token", "Invalid token: malformed token"},
      {testing::libjwt_token(JWT_ALG_NONE, R"({"sub":"demo","exp":)" + exp + "}", ""),
       "Invalid token: alg not allowed"},
      {testing::libjwt_token(JWT_ALG_HS512, R"({"sub":"demo","exp":)" + exp + "}", kKey),
       "Invalid token: alg not allowed"},
      {sign_hs256({{"sub", "demo"}, {"exp", 99999999999}}, "another-key"),
       "Invalid token: signature verification failed"},
      {sign_hs256({{"typ", "access"}, {"exp", 99999999999}}, kKey), "Token missing sub"},
      {sign_hs256({{"sub", "demo"}, {"typ", "access"}, {"exp", 99999999999}}, kKey),
       "Invalid token: missing uid"},
  };
  for (const auto& [token, detail] : cases) {
    expect_unauthorized(failure_of(service_->authenticate_access(token)), detail);
  }
}

// --- counters ------------------------------------------------------------------------------

TEST_F(AuthServiceTest, ASignInFormsPasswordCheckIsCountedAsALogin) {
  add_demo();
  const auto& counters = service_->counters();
  ASSERT_TRUE(service_->check_password("demo", std::string(kPassword), kAddress).ok());
  (void)service_->check_password("demo", "wrong", kAddress);
  EXPECT_EQ(counters.value(AuthAction::kLogin, AuthOutcome::kSuccess), 1u);
  EXPECT_EQ(counters.value(AuthAction::kLogin, AuthOutcome::kInvalidCredentials), 1u);
  (void)login_demo();  // one count per call, not two
  EXPECT_EQ(counters.value(AuthAction::kLogin, AuthOutcome::kSuccess), 2u);
}

TEST_F(AuthServiceTest, ASignInWithoutAPasswordIsCountedAsALoginOfItsOutcome) {
  const auto& counters = service_->counters();
  service_->count_login("demo", AuthOutcome::kSuccess);
  service_->count_login("", AuthOutcome::kUserNotFound);
  EXPECT_EQ(counters.value(AuthAction::kLogin, AuthOutcome::kSuccess), 1u);
  EXPECT_EQ(counters.value(AuthAction::kLogin, AuthOutcome::kUserNotFound), 1u);
  EXPECT_EQ(counters.value(AuthAction::kAccess, AuthOutcome::kSuccess), 0u);
}

TEST_F(AuthServiceTest, CountersRecordEachCallsOutcome) {
  add_demo();
  const auto& counters = service_->counters();
  const TokenPair tokens = login_demo();
  EXPECT_EQ(counters.value(AuthAction::kLogin, AuthOutcome::kSuccess), 1u);
  (void)service_->login("demo", "wrong", kAddress);
  (void)service_->login("", "", kAddress);
  EXPECT_EQ(counters.value(AuthAction::kLogin, AuthOutcome::kInvalidCredentials), 1u);
  EXPECT_EQ(counters.value(AuthAction::kLogin, AuthOutcome::kBadRequest), 1u);
  ASSERT_TRUE(service_->authenticate_access(tokens.access_token).ok());
  (void)service_->authenticate_access(tokens.refresh_token);
  (void)service_->authenticate_access("not.a.token");
  EXPECT_EQ(counters.value(AuthAction::kAccess, AuthOutcome::kSuccess), 1u);
  EXPECT_EQ(counters.value(AuthAction::kAccess, AuthOutcome::kWrongTokenType), 1u);
  EXPECT_EQ(counters.value(AuthAction::kAccess, AuthOutcome::kInvalidToken), 1u);
  ASSERT_TRUE(service_->refresh(tokens.refresh_token).ok());
  (void)service_->refresh(tokens.refresh_token);  // rotated already
  EXPECT_EQ(counters.value(AuthAction::kRefresh, AuthOutcome::kSuccess), 1u);
  EXPECT_EQ(counters.value(AuthAction::kRefresh, AuthOutcome::kInvalidRefreshToken), 1u);
  ASSERT_TRUE(service_->logout(tokens.access_token).ok());
  EXPECT_EQ(counters.value(AuthAction::kLogout, AuthOutcome::kSuccess), 1u);
  clock_.advance(seconds(1800));
  (void)service_->authenticate_access(tokens.access_token);
  EXPECT_EQ(counters.value(AuthAction::kAccess, AuthOutcome::kTokenExpired), 1u);
}

TEST_F(AuthServiceTest, CountersRecordRateLimitsAndRemovedUsers) {
  add_demo();
  const TokenPair tokens = login_demo();
  for (int i = 0; i < 6; ++i)
    (void)service_->login("demo", "wrong", kAddress);
  const auto& counters = service_->counters();
  EXPECT_GE(counters.value(AuthAction::kLogin, AuthOutcome::kRateLimited), 1u);
  ASSERT_TRUE(store_->remove("demo").ok());
  (void)service_->authenticate_access(tokens.access_token);
  EXPECT_EQ(counters.value(AuthAction::kAccess, AuthOutcome::kUserNotFound), 1u);
}

// --- bootstrap -----------------------------------------------------------------------------

TEST_F(AuthServiceTest, ABootstrapPasswordChangeEndsTheUsersOAuthGrantsTooButASameOneDoesNot) {
  auto opened = SqliteOAuthStore::open(dir_.path() / "users.db");
  ASSERT_TRUE(opened.ok());
  auto& grants = **opened;
  AuthService service(*store_, hasher(), clock_,
                      AuthConfig{std::string(kKey), seconds(1800), seconds(86400)}, &grants);
  ASSERT_TRUE(service.bootstrap(std::string("first-password"), std::nullopt).ok());
  const auto now = static_cast<std::int64_t>(clock_.unix_seconds());
  ASSERT_TRUE(grants.add_family(OAuthGrant{"f1", "c", "admin", "u", {"blender"}, "r"}, now).ok());
  ASSERT_TRUE(grants.add_refresh("t1", "f1", now + 600).ok());
  ASSERT_TRUE(service.bootstrap(std::string("first-password"), std::nullopt).ok());
  EXPECT_TRUE(grants.family_of("t1").has_value());
  ASSERT_TRUE(service.bootstrap(std::string("second-password"), std::nullopt).ok());
  EXPECT_FALSE(grants.family_of("t1").has_value());
}

TEST_F(AuthServiceTest, BootstrapWithoutAnAdminOrAdminPasswordFails) {
  const Status status = service_->bootstrap(std::nullopt, std::nullopt);
  ASSERT_FALSE(status.ok());
  EXPECT_EQ(status.error().code, ErrorCode::kFailedPrecondition);
  EXPECT_EQ(status.error().message, "ADMIN_PASSWORD is required: no admin user exists yet");
}

TEST_F(AuthServiceTest, AnEmptyAdminPasswordCountsAsUnset) {
  const Status status = service_->bootstrap(std::string(), std::nullopt);
  ASSERT_FALSE(status.ok());
  EXPECT_EQ(status.error().code, ErrorCode::kFailedPrecondition);
}

TEST_F(AuthServiceTest, BootstrapFailsBeforeCreatingTheDemoUser) {
  ASSERT_FALSE(service_->bootstrap(std::nullopt, "demo").ok());
  EXPECT_FALSE(store_->find("demo").ok());
}

TEST_F(AuthServiceTest, AnAdminPasswordCreatesTheAdminUser) {
  ASSERT_TRUE(service_->bootstrap("s3cret-admin", std::nullopt).ok());
  const auto admin = store_->find("admin");
  ASSERT_TRUE(admin.ok());
  EXPECT_EQ(admin->roles, (std::vector<std::string>{"admin", "user"}));
  EXPECT_EQ(admin->scopes, std::vector<std::string>{"*"});
  EXPECT_TRUE(service_->login("admin", "s3cret-admin", kAddress).ok());
}

TEST_F(AuthServiceTest, AnAdminPasswordResetsAnExistingAdminsPasswordRolesAndScopes) {
  ASSERT_TRUE(store_->add(UserRecord{"admin", demo_hash(), {"user"}, {"read"}, 0, 0}).ok());
  ASSERT_TRUE(service_->bootstrap("new-admin-password", std::nullopt).ok());
  const auto admin = store_->find("admin");
  ASSERT_TRUE(admin.ok());
  EXPECT_EQ(admin->roles, (std::vector<std::string>{"admin", "user"}));
  EXPECT_EQ(admin->scopes, std::vector<std::string>{"*"});
  EXPECT_TRUE(service_->login("admin", "new-admin-password", kAddress).ok());
  EXPECT_FALSE(service_->login("admin", kPassword, kAddress).ok());
}

TEST_F(AuthServiceTest, OnceAnAdminExistsTheAdminPasswordMayBeLeftUnset) {
  ASSERT_TRUE(service_->bootstrap("s3cret-admin", std::nullopt).ok());
  EXPECT_TRUE(service_->bootstrap(std::nullopt, std::nullopt).ok());
}

TEST_F(AuthServiceTest, AnyUserWithTheAdminRoleSatisfiesTheBootstrap) {
  add_demo({"admin"});
  EXPECT_TRUE(service_->bootstrap(std::nullopt, std::nullopt).ok());
  EXPECT_FALSE(store_->find("admin").ok());
}

TEST_F(AuthServiceTest, ADemoPasswordCreatesTheDemoUser) {
  ASSERT_TRUE(service_->bootstrap("s3cret-admin", "demo").ok());
  const auto demo = store_->find("demo");
  ASSERT_TRUE(demo.ok());
  EXPECT_EQ(demo->roles, std::vector<std::string>{"user"});
  EXPECT_EQ(demo->scopes, (std::vector<std::string>{"read", "write"}));
  EXPECT_TRUE(service_->login("demo", "demo", kAddress).ok());
}

TEST_F(AuthServiceTest, ADemoPasswordResetsTheExistingDemoPasswordOnly) {
  add_demo({"user", "tester"});
  ASSERT_TRUE(service_->bootstrap("s3cret-admin", "demo").ok());
  const auto demo = store_->find("demo");
  ASSERT_TRUE(demo.ok());
  EXPECT_EQ(demo->roles, (std::vector<std::string>{"user", "tester"}));
  EXPECT_TRUE(service_->login("demo", "demo", kAddress).ok());
}

TEST_F(AuthServiceTest, RestartingWithTheSamePasswordKeepsRefreshTokens) {
  add_demo();
  ASSERT_TRUE(service_->bootstrap("s3cret-admin", std::string(kPassword)).ok());
  const TokenPair tokens = login_demo();
  ASSERT_TRUE(service_->bootstrap("s3cret-admin", std::string(kPassword)).ok());
  EXPECT_TRUE(service_->refresh(tokens.refresh_token).ok());
}

TEST_F(AuthServiceTest, ABootstrapThatChangesAPasswordRevokesRefreshTokens) {
  add_demo();
  const TokenPair tokens = login_demo();
  ASSERT_TRUE(service_->bootstrap("s3cret-admin", "changed-demo").ok());
  EXPECT_EQ(failure_of(service_->refresh(tokens.refresh_token)).detail, "Invalid refresh token");
}

// --- maintenance ---------------------------------------------------------------------------

TEST_F(AuthServiceTest, PurgeDeletesExpiredRefreshRecords) {
  add_demo();
  (void)login_demo();
  (void)login_demo();
  EXPECT_EQ(service_->purge_expired(), 0);
  clock_.advance(seconds(7 * 86400));
  EXPECT_EQ(service_->purge_expired(), 2);
}

TEST_F(AuthServiceTest, CliChangesTakeEffectOnTheNextRequest) {
  add_demo();
  const TokenPair tokens = login_demo();
  // A second store on the same file stands in for the user CLI process.
  auto cli_store = SqliteUserStore::open(dir_.path() / "users.db", clock_);
  ASSERT_TRUE(cli_store.ok());
  ASSERT_TRUE((*cli_store)->remove("demo").ok());
  expect_unauthorized(failure_of(service_->authenticate_access(tokens.access_token)),
                      "User not found");
}

// --- the verified-token cache ----------------------------------------------------------------
// Each test authenticates once first, so the token is in the cache, then checks that a cached
// token is still refused wherever the uncached path refuses it.

TEST_F(AuthServiceTest, ACachedTokenAuthenticatesAgainWithTheSamePrincipal) {
  add_demo({"user", "admin"});
  const TokenPair tokens = login_demo();
  const auto first = service_->authenticate_access(tokens.access_token);
  const auto second = service_->authenticate_access(tokens.access_token);
  ASSERT_TRUE(first.ok());
  ASSERT_TRUE(second.ok());
  EXPECT_EQ(second->user_id, first->user_id);
  EXPECT_EQ(second->roles, first->roles);
  EXPECT_EQ(second->scopes, first->scopes);
}

TEST_F(AuthServiceTest, ACachedTokenIsRefusedOnceItExpires) {
  add_demo();
  const TokenPair tokens = login_demo();
  ASSERT_TRUE(service_->authenticate_access(tokens.access_token).ok());
  clock_.advance(seconds(1799));
  ASSERT_TRUE(service_->authenticate_access(tokens.access_token).ok());
  clock_.advance(seconds(1));
  expect_unauthorized(failure_of(service_->authenticate_access(tokens.access_token)),
                      "Invalid token: token expired");
}

TEST_F(AuthServiceTest, ACachedTokenOfAUserRemovedByAnotherProcessIsUserNotFound) {
  add_demo();
  const TokenPair tokens = login_demo();
  ASSERT_TRUE(service_->authenticate_access(tokens.access_token).ok());
  auto cli_store = SqliteUserStore::open(dir_.path() / "users.db", clock_);
  ASSERT_TRUE(cli_store.ok());
  ASSERT_TRUE((*cli_store)->remove("demo").ok());
  expect_unauthorized(failure_of(service_->authenticate_access(tokens.access_token)),
                      "User not found");
  expect_unauthorized(failure_of(service_->authenticate_access(tokens.access_token)),
                      "User not found");
}

TEST_F(AuthServiceTest, ACachedTokenAnswersLikeAnUncachedOneAfterLogoutAndPasswordChange) {
  add_demo();
  const TokenPair tokens = login_demo();
  ASSERT_TRUE(service_->authenticate_access(tokens.access_token).ok());
  EXPECT_TRUE(service_->logout(tokens.access_token).ok());
  ASSERT_TRUE(store_->set_password("demo", hasher().hash("another-password")).ok());
  store_->revoke_refresh_tokens("demo");
  // Contract 2.3: issued access tokens stay valid until they expire; the refresh token,
  // which never goes through the cache, is refused.
  EXPECT_TRUE(service_->authenticate_access(tokens.access_token).ok());
  expect_unauthorized(failure_of(service_->refresh(tokens.refresh_token)), "Invalid refresh token");
}

TEST_F(AuthServiceTest, ARefreshTokenStaysNotAnAccessTokenWhenAskedTwice) {
  add_demo();
  const TokenPair tokens = login_demo();
  for (int attempt = 0; attempt < 2; ++attempt) {
    expect_unauthorized(failure_of(service_->authenticate_access(tokens.refresh_token)),
                        "Not an access token");
  }
}

TEST_F(AuthServiceTest, AnEvictedTokenIsVerifiedAgain) {
  service_ = std::make_unique<AuthService>(
      *store_, hasher(), clock_,
      AuthConfig{std::string(kKey), seconds(1800), seconds(std::int64_t{7} * 86400), 1});
  add_demo();
  const TokenPair first = login_demo();
  const TokenPair second = login_demo();
  ASSERT_TRUE(service_->authenticate_access(first.access_token).ok());
  ASSERT_TRUE(service_->authenticate_access(second.access_token).ok());
  EXPECT_TRUE(service_->authenticate_access(first.access_token).ok());
  clock_.advance(seconds(1800));
  expect_unauthorized(failure_of(service_->authenticate_access(first.access_token)),
                      "Invalid token: token expired");
}

}  // namespace
}  // namespace bmcp::auth
