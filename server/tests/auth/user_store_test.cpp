#include "user_store_test.hpp"

#include <algorithm>
#include <atomic>
#include <thread>
#include <vector>

#include "test_support.hpp"

namespace bmcp::auth::testing {

std::string backend_name(const ::testing::TestParamInfo<UserStoreBackend>& info) {
  return info.param.name;
}

void PrintTo(const UserStoreBackend& backend, std::ostream* out) {
  *out << backend.name;
}

void UserStoreTest::SetUp() {
  auto made = GetParam().make();
  if (!made) {
    if (running_in_ci()) {
      FAIL() << GetParam().name << " store unavailable (CI=true requires it): " << made.error();
    }
    GTEST_SKIP() << GetParam().name << " store unavailable: " << made.error();
  }
  place_ = std::move(made).value();
  store_ = open();
  ASSERT_NE(store_, nullptr);
}

std::unique_ptr<UserStore> UserStoreTest::open() {
  auto store = place_->open(clock_);
  EXPECT_NE(store, nullptr);
  return store;
}

UserRecord UserStoreTest::user(const std::string& name, std::vector<std::string> roles) {
  return UserRecord{name, "$argon2id$hash-of-" + name, std::move(roles), {"read", "write"}, 0, 0};
}

namespace {

constexpr std::int64_t kDay = 86400;

TEST_P(UserStoreTest, AnAddedUserIsFoundWithItsFieldsAndClockTimestamps) {
  ASSERT_TRUE(store_->add(user("alice")).ok());
  const auto found = store_->find("alice");
  ASSERT_TRUE(found.ok());
  EXPECT_EQ(found->username, "alice");
  EXPECT_EQ(found->password_hash, "$argon2id$hash-of-alice");
  EXPECT_EQ(found->roles, std::vector<std::string>{"user"});
  EXPECT_EQ(found->scopes, (std::vector<std::string>{"read", "write"}));
  EXPECT_DOUBLE_EQ(found->created_at, clock_.unix_seconds());
  EXPECT_DOUBLE_EQ(found->updated_at, clock_.unix_seconds());
}

TEST_P(UserStoreTest, AddingAnExistingUserFailsWithAlreadyExists) {
  ASSERT_TRUE(store_->add(user("alice")).ok());
  const Status again = store_->add(user("alice"));
  ASSERT_FALSE(again.ok());
  EXPECT_EQ(again.error().code, ErrorCode::kAlreadyExists);
}

TEST_P(UserStoreTest, FindingAMissingUserFailsWithNotFound) {
  const auto found = store_->find("nobody");
  ASSERT_FALSE(found.ok());
  EXPECT_EQ(found.error().code, ErrorCode::kNotFound);
}

TEST_P(UserStoreTest, UsernamesAreCaseSensitive) {
  ASSERT_TRUE(store_->add(user("alice")).ok());
  EXPECT_FALSE(store_->find("Alice").ok());
  EXPECT_TRUE(store_->add(user("Alice")).ok());
}

TEST_P(UserStoreTest, SettingThePasswordReplacesTheHashAndMovesUpdatedAt) {
  ASSERT_TRUE(store_->add(user("alice")).ok());
  clock_.advance(std::chrono::seconds(10));
  ASSERT_TRUE(store_->set_password("alice", "$argon2id$new").ok());
  const auto found = store_->find("alice");
  ASSERT_TRUE(found.ok());
  EXPECT_EQ(found->password_hash, "$argon2id$new");
  EXPECT_DOUBLE_EQ(found->updated_at - found->created_at, 10.0);
}

TEST_P(UserStoreTest, SettingThePasswordOfAMissingUserFailsWithNotFound) {
  const Status status = store_->set_password("nobody", "$argon2id$new");
  ASSERT_FALSE(status.ok());
  EXPECT_EQ(status.error().code, ErrorCode::kNotFound);
}

TEST_P(UserStoreTest, RolesAndScopesCanBeReplaced) {
  ASSERT_TRUE(store_->add(user("alice")).ok());
  ASSERT_TRUE(store_->set_roles_and_scopes("alice", {"admin", "user"}, {"*"}).ok());
  const auto found = store_->find("alice");
  ASSERT_TRUE(found.ok());
  EXPECT_EQ(found->roles, (std::vector<std::string>{"admin", "user"}));
  EXPECT_EQ(found->scopes, std::vector<std::string>{"*"});
  EXPECT_EQ(store_->set_roles_and_scopes("nobody", {}, {}).error().code, ErrorCode::kNotFound);
}

TEST_P(UserStoreTest, RemovingDeletesTheUser) {
  ASSERT_TRUE(store_->add(user("alice")).ok());
  ASSERT_TRUE(store_->remove("alice").ok());
  EXPECT_EQ(store_->find("alice").error().code, ErrorCode::kNotFound);
}

TEST_P(UserStoreTest, RemovingAMissingUserFailsWithNotFound) {
  const Status status = store_->remove("nobody");
  ASSERT_FALSE(status.ok());
  EXPECT_EQ(status.error().code, ErrorCode::kNotFound);
}

TEST_P(UserStoreTest, RemovingTheLastAdminIsRefusedWhenThePolicyKeepsIt) {
  ASSERT_TRUE(store_->add(user("root", {"admin", "user"})).ok());
  ASSERT_TRUE(store_->add(user("alice")).ok());
  const Status status = store_->remove("root", RemovePolicy::kKeepLastAdmin);
  ASSERT_FALSE(status.ok());
  EXPECT_EQ(status.error().code, ErrorCode::kFailedPrecondition);
  EXPECT_TRUE(store_->find("root").ok());
}

TEST_P(UserStoreTest, AnAdminCanBeRemovedWhileAnotherAdminRemains) {
  ASSERT_TRUE(store_->add(user("root", {"admin"})).ok());
  ASSERT_TRUE(store_->add(user("second", {"admin"})).ok());
  EXPECT_TRUE(store_->remove("root", RemovePolicy::kKeepLastAdmin).ok());
  EXPECT_TRUE(store_->any_admin());
}

TEST_P(UserStoreTest, TheKeepLastAdminPolicyStillRemovesOrdinaryUsers) {
  ASSERT_TRUE(store_->add(user("alice")).ok());
  EXPECT_TRUE(store_->remove("alice", RemovePolicy::kKeepLastAdmin).ok());
}

TEST_P(UserStoreTest, TheAnyUserPolicyRemovesTheLastAdmin) {
  ASSERT_TRUE(store_->add(user("root", {"admin"})).ok());
  EXPECT_TRUE(store_->remove("root").ok());
  EXPECT_FALSE(store_->any_admin());
}

TEST_P(UserStoreTest, ListIsOrderedByUsername) {
  for (const char* name : {"carol", "alice", "bob"}) {
    ASSERT_TRUE(store_->add(user(name)).ok());
  }
  const auto users = store_->list();
  ASSERT_EQ(users.size(), 3u);
  EXPECT_EQ(users[0].username, "alice");
  EXPECT_EQ(users[1].username, "bob");
  EXPECT_EQ(users[2].username, "carol");
}

TEST_P(UserStoreTest, AnyAdminIsTrueOnlyWhenSomeUserHasTheAdminRole) {
  EXPECT_FALSE(store_->any_admin());
  ASSERT_TRUE(store_->add(user("administrator", {"administrator", "user"})).ok());
  EXPECT_FALSE(store_->any_admin());
  ASSERT_TRUE(store_->add(user("root", {"user", "admin"})).ok());
  EXPECT_TRUE(store_->any_admin());
}

TEST_P(UserStoreTest, UsersSurviveReopeningTheStore) {
  ASSERT_TRUE(store_->add(user("alice")).ok());
  store_.reset();
  const auto reopened = open();
  const auto found = reopened->find("alice");
  ASSERT_TRUE(found.ok());
  EXPECT_EQ(found->password_hash, "$argon2id$hash-of-alice");
}

TEST_P(UserStoreTest, ASecondStoreOnTheSameDataSeesChangesAtOnce) {
  const auto other = open();  // as the user CLI would, while the server runs
  ASSERT_TRUE(other->add(user("alice")).ok());
  EXPECT_TRUE(store_->find("alice").ok());
  ASSERT_TRUE(other->remove("alice").ok());
  EXPECT_FALSE(store_->find("alice").ok());
}

bool is_uid(const std::string& text) {
  return text.size() == 32 && std::all_of(text.begin(), text.end(), [](char c) {
           return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f');
         });
}

TEST_P(UserStoreTest, EveryAddedUserGetsItsOwnUidWhateverTheRecordSays) {
  UserRecord alice = user("alice");
  alice.uid = "chosen-by-the-caller";
  ASSERT_TRUE(store_->add(alice).ok());
  ASSERT_TRUE(store_->add(user("bob")).ok());
  const auto alice_uid = store_->find("alice")->uid;
  EXPECT_TRUE(is_uid(alice_uid)) << alice_uid;
  EXPECT_NE(alice_uid, store_->find("bob")->uid);
  EXPECT_EQ(store_->list().at(0).uid, alice_uid);
}

TEST_P(UserStoreTest, TheUidSurvivesPasswordRoleAndScopeChanges) {
  ASSERT_TRUE(store_->add(user("alice")).ok());
  const auto uid = store_->find("alice")->uid;
  ASSERT_TRUE(store_->set_password("alice", "$argon2id$other").ok());
  ASSERT_TRUE(store_->set_roles_and_scopes("alice", {"admin"}, {"*"}).ok());
  EXPECT_EQ(store_->find("alice")->uid, uid);
}

TEST_P(UserStoreTest, ExistsWithUidFollowsAnotherStoresAddsAndRemoves) {
  const auto other = open();
  EXPECT_FALSE(store_->exists_with_uid("alice", ""));
  ASSERT_TRUE(other->add(user("alice")).ok());
  const auto uid = store_->find("alice")->uid;
  EXPECT_TRUE(store_->exists_with_uid("alice", uid));
  EXPECT_FALSE(store_->exists_with_uid("Alice", uid));
  EXPECT_FALSE(store_->exists_with_uid("alice", ""));
  ASSERT_TRUE(other->remove("alice").ok());
  EXPECT_FALSE(store_->exists_with_uid("alice", uid));
}

TEST_P(UserStoreTest, AUserCreatedAgainUnderTheSameNameIsAnotherAccount) {
  ASSERT_TRUE(store_->add(user("alice")).ok());
  const auto first = store_->find("alice")->uid;
  ASSERT_TRUE(store_->remove("alice").ok());
  ASSERT_TRUE(store_->add(user("alice")).ok());
  const auto second = store_->find("alice")->uid;
  EXPECT_NE(first, second);
  EXPECT_FALSE(store_->exists_with_uid("alice", first));
  EXPECT_TRUE(store_->exists_with_uid("alice", second));
}

TEST_P(UserStoreTest, ARecordedRefreshTokenRotatesExactlyOnce) {
  ASSERT_TRUE(store_->add(user("alice")).ok());
  ASSERT_TRUE(store_->record_refresh("jti-1", "alice", now(), now() + kDay).ok());
  EXPECT_TRUE(store_->rotate_refresh("jti-1", now()));
  EXPECT_FALSE(store_->rotate_refresh("jti-1", now()));
}

TEST_P(UserStoreTest, AnUnknownJtiDoesNotRotate) {
  EXPECT_FALSE(store_->rotate_refresh("never-issued", now()));
}

TEST_P(UserStoreTest, RecordingAJtiTwiceFailsWithAlreadyExists) {
  ASSERT_TRUE(store_->record_refresh("jti-1", "alice", now(), now() + kDay).ok());
  const Status again = store_->record_refresh("jti-1", "alice", now(), now() + kDay);
  ASSERT_FALSE(again.ok());
  EXPECT_EQ(again.error().code, ErrorCode::kAlreadyExists);
}

TEST_P(UserStoreTest, ARefreshTokenDoesNotRotateAtOrAfterItsExpiry) {
  ASSERT_TRUE(store_->add(user("alice")).ok());
  ASSERT_TRUE(store_->record_refresh("jti-1", "alice", now(), now() + kDay).ok());
  EXPECT_FALSE(store_->rotate_refresh("jti-1", now() + kDay));
  EXPECT_TRUE(store_->rotate_refresh("jti-1", now() + kDay - 1));
}

TEST_P(UserStoreTest, RevokedRefreshTokensDoNotRotate) {
  ASSERT_TRUE(store_->add(user("alice")).ok());
  ASSERT_TRUE(store_->add(user("bob")).ok());
  ASSERT_TRUE(store_->record_refresh("a1", "alice", now(), now() + kDay).ok());
  ASSERT_TRUE(store_->record_refresh("a2", "alice", now(), now() + kDay).ok());
  ASSERT_TRUE(store_->record_refresh("b1", "bob", now(), now() + kDay).ok());
  store_->revoke_refresh_tokens("alice");
  EXPECT_FALSE(store_->rotate_refresh("a1", now()));
  EXPECT_FALSE(store_->rotate_refresh("a2", now()));
  EXPECT_TRUE(store_->rotate_refresh("b1", now()));
}

TEST_P(UserStoreTest, RemovingAUserRevokesItsRefreshTokens) {
  ASSERT_TRUE(store_->add(user("alice")).ok());
  ASSERT_TRUE(store_->record_refresh("a1", "alice", now(), now() + kDay).ok());
  ASSERT_TRUE(store_->remove("alice").ok());
  ASSERT_TRUE(store_->add(user("alice")).ok());  // a new account of the same name
  EXPECT_FALSE(store_->rotate_refresh("a1", now()));
}

TEST_P(UserStoreTest, ARefreshTokenOfAUserThatNoLongerExistsDoesNotRotate) {
  ASSERT_TRUE(store_->record_refresh("ghost-1", "ghost", now(), now() + kDay).ok());
  EXPECT_FALSE(store_->rotate_refresh("ghost-1", now()));
}

TEST_P(UserStoreTest, RefreshRecordsSurviveReopeningTheStore) {
  ASSERT_TRUE(store_->add(user("alice")).ok());
  ASSERT_TRUE(store_->record_refresh("a1", "alice", now(), now() + kDay).ok());
  ASSERT_TRUE(store_->record_refresh("a2", "alice", now(), now() + kDay).ok());
  ASSERT_TRUE(store_->rotate_refresh("a1", now()));
  store_.reset();
  const auto reopened = open();
  EXPECT_FALSE(reopened->rotate_refresh("a1", now()));
  EXPECT_TRUE(reopened->rotate_refresh("a2", now()));
}

TEST_P(UserStoreTest, PurgeDeletesOnlyRecordsThatHaveExpired) {
  ASSERT_TRUE(store_->add(user("alice")).ok());
  ASSERT_TRUE(store_->record_refresh("old", "alice", now() - kDay, now()).ok());
  ASSERT_TRUE(store_->record_refresh("older", "alice", now() - 2 * kDay, now() - kDay).ok());
  ASSERT_TRUE(store_->record_refresh("live", "alice", now(), now() + 1).ok());
  EXPECT_EQ(store_->purge_expired_refresh(now()), 2);
  EXPECT_EQ(store_->purge_expired_refresh(now()), 0);
  EXPECT_TRUE(store_->rotate_refresh("live", now()));
}

TEST_P(UserStoreTest, ConcurrentRotationsOfOneJtiSucceedExactlyOnce) {
  ASSERT_TRUE(store_->add(user("alice")).ok());
  ASSERT_TRUE(store_->record_refresh("shared", "alice", now(), now() + kDay).ok());
  std::atomic<int> successes{0};
  std::vector<std::thread> threads;
  threads.reserve(8);
  for (int i = 0; i < 8; ++i) {
    threads.emplace_back([&] {
      if (store_->rotate_refresh("shared", now())) {
        ++successes;
      }
    });
  }
  for (auto& thread : threads) {
    thread.join();
  }
  EXPECT_EQ(successes.load(), 1);
}

TEST_P(UserStoreTest, ConcurrentRotationsThroughSeparateConnectionsSucceedExactlyOnce) {
  ASSERT_TRUE(store_->add(user("alice")).ok());
  ASSERT_TRUE(store_->record_refresh("shared", "alice", now(), now() + kDay).ok());
  std::vector<std::unique_ptr<UserStore>> stores;
  stores.reserve(8);
  for (int i = 0; i < 8; ++i) {
    stores.push_back(open());  // as separate processes would
  }
  std::atomic<int> successes{0};
  std::vector<std::thread> threads;
  threads.reserve(stores.size());
  for (auto& store : stores) {
    threads.emplace_back([&, raw = store.get()] {
      if (raw->rotate_refresh("shared", now())) {
        ++successes;
      }
    });
  }
  for (auto& thread : threads) {
    thread.join();
  }
  EXPECT_EQ(successes.load(), 1);
}

}  // namespace
}  // namespace bmcp::auth::testing
