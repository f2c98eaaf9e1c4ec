#include "auth_service_accounts_test.hpp"

#include <thread>

#include "auth/jwt_codec.hpp"
#include "auth/token_service.hpp"

namespace bmcp::auth::testing {

namespace {

using std::chrono::seconds;

constexpr std::string_view kKey = "test-signing-key";
constexpr std::string_view kDemoPassword = "demo-password";

// Hashing costs tens of milliseconds, so the suite makes one hasher and one demo hash.
const PasswordHasher& hasher() {
  static const PasswordHasher instance;
  return instance;
}

const std::string& demo_hash() {
  static const std::string hash = hasher().hash(kDemoPassword);
  return hash;
}

UserRecord demo_record() {
  return UserRecord{"demo", demo_hash(), {"user"}, {"read", "write"}, 0, 0};
}

// The failure of a call that must fail, with an empty one when it did not.
template <class T>
AuthFailure failure_of(const Result<T, AuthFailure>& result) {
  EXPECT_FALSE(result.ok());
  return result.ok() ? AuthFailure{} : result.error();
}

void expect_unauthorized(const AuthFailure& failure, std::string_view detail) {
  EXPECT_EQ(failure.kind, AuthFailure::Kind::kUnauthorized);
  EXPECT_EQ(failure.detail, detail);
}

}  // namespace

void AuthServiceAccountsTest::SetUp() {
  UserStoreTest::SetUp();
  if (IsSkipped() || HasFatalFailure()) {
    return;
  }
  server_store_ = place_->open_server(clock_);
  ASSERT_NE(server_store_, nullptr);
  service_ = std::make_unique<AuthService>(
      *server_store_, hasher(), clock_,
      AuthConfig{std::string(kKey), seconds(1800), seconds(std::int64_t{7} * 86400)});
}

void AuthServiceAccountsTest::add_demo() {
  ASSERT_TRUE(store_->add(demo_record()).ok());
}

TokenPair AuthServiceAccountsTest::login_demo() {
  auto result = service_->login("demo", kDemoPassword, "192.0.2.7");
  EXPECT_TRUE(result.ok());
  return result.ok() ? result->tokens : TokenPair{};
}

bool AuthServiceAccountsTest::within_change_delay(const std::function<bool()>& check) const {
  const auto deadline = std::chrono::steady_clock::now() + place_->change_delay();
  while (!check()) {
    if (std::chrono::steady_clock::now() >= deadline) {
      return false;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  return true;
}

namespace {

TEST_P(AuthServiceAccountsTest, ARefreshTokenWithoutUidIsRefusedBeforeItsJtiIsLookedAt) {
  add_demo();
  const TokenPair tokens = login_demo();
  const auto claims = decode_hs256(tokens.refresh_token, kKey);
  ASSERT_TRUE(claims.ok());
  boost::json::object without_uid = *claims;
  without_uid.erase("uid");
  expect_unauthorized(failure_of(service_->refresh(sign_hs256(without_uid, kKey))),
                      "Invalid token: missing uid");
  EXPECT_TRUE(service_->refresh(tokens.refresh_token).ok()) << "its jti was not rotated";
}

TEST_P(AuthServiceAccountsTest,
       ARecordedRefreshTokenOfAnotherAccountWithTheSameNameIsUserNotFound) {
  add_demo();
  UserRecord earlier = *store_->find("demo");
  earlier.uid = new_user_uid();
  const TokenService same_key(std::string(kKey), clock_, seconds(1800), seconds(86400));
  const auto issued = same_key.issue_refresh(earlier);
  ASSERT_TRUE(store_->record_refresh(issued.jti, "demo", issued.iat, issued.exp).ok());
  expect_unauthorized(failure_of(service_->refresh(issued.token)), "User not found");
}

TEST_P(AuthServiceAccountsTest, AnAccessTokenOfAnotherAccountWithTheSameNameIsUserNotFound) {
  add_demo();
  ASSERT_TRUE(service_->authenticate_access(login_demo().access_token).ok());  // known now
  UserRecord earlier = *store_->find("demo");
  earlier.uid = new_user_uid();
  const TokenService same_key(std::string(kKey), clock_, seconds(1800), seconds(86400));
  expect_unauthorized(
      failure_of(service_->authenticate_access(same_key.issue_access(earlier).token)),
      "User not found");
}

TEST_P(AuthServiceAccountsTest, TokensOfARemovedUserStayRefusedWhenTheNameIsCreatedAgain) {
  add_demo();
  const TokenPair old_tokens = login_demo();
  ASSERT_TRUE(service_->authenticate_access(old_tokens.access_token).ok());  // now cached
  ASSERT_TRUE(store_->remove("demo").ok());
  ASSERT_TRUE(store_->add(demo_record()).ok());
  EXPECT_TRUE(within_change_delay([&] {
    const auto outcome = service_->authenticate_access(old_tokens.access_token);
    return !outcome.ok() && outcome.error().detail == "User not found";
  })) << "the old account's access token was still accepted";
  expect_unauthorized(failure_of(service_->authenticate_access(old_tokens.access_token)),
                      "User not found");
  expect_unauthorized(failure_of(service_->refresh(old_tokens.refresh_token)),
                      "Invalid refresh token");
  const TokenPair new_tokens = login_demo();
  EXPECT_TRUE(service_->authenticate_access(new_tokens.access_token).ok());
  // The old account's token does not log the new account out.
  EXPECT_TRUE(service_->logout(old_tokens.access_token).ok());
  EXPECT_TRUE(service_->refresh(new_tokens.refresh_token).ok());
}

TEST_P(AuthServiceAccountsTest, LogoutWithTheCurrentAccountsTokenRevokesItsRefreshTokens) {
  add_demo();
  const TokenPair tokens = login_demo();
  EXPECT_TRUE(service_->logout(tokens.access_token).ok());
  expect_unauthorized(failure_of(service_->refresh(tokens.refresh_token)), "Invalid refresh token");
}

}  // namespace
}  // namespace bmcp::auth::testing
