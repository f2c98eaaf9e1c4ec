#include "oauth_store_test.hpp"

#include <atomic>
#include <thread>
#include <vector>

#include "test_support.hpp"

namespace bmcp::auth::testing {

namespace {

constexpr std::int64_t kNow = 1'800'000'000;

OAuthGrant grant(std::string family = "family-1") {
  return OAuthGrant{std::move(family), "client-1",  "alice",
                    "uid-1",           {"blender"}, "https://mcp.example/mcp"};
}

AuthorizationCode code(std::string digest, std::int64_t expires_at = kNow + 60) {
  return AuthorizationCode{std::move(digest), grant(), "http://127.0.0.1/cb", "challenge",
                           expires_at};
}

}  // namespace

std::string oauth_backend_name(const ::testing::TestParamInfo<OAuthStoreBackend>& info) {
  return info.param.name;
}

void PrintTo(const OAuthStoreBackend& backend, std::ostream* out) {
  *out << backend.name;
}

void OAuthStoreTest::SetUp() {
  auto made = GetParam().make();
  if (!made) {
    if (running_in_ci()) {
      FAIL() << GetParam().name << " store unavailable (CI=true requires it): " << made.error();
    }
    GTEST_SKIP() << GetParam().name << " store unavailable: " << made.error();
  }
  place_ = std::move(made).value();
  store_ = place_->open();
  ASSERT_NE(store_, nullptr);
}

TEST_P(OAuthStoreTest, ARegisteredClientIsFoundByEveryNodeAndNotRegisteredTwice) {
  const OAuthClient client{
      "client-1", "Tool <b>", {"http://127.0.0.1/cb", "https://a.example/cb"}, "127.0.0.5", kNow};
  ASSERT_TRUE(store_->add_client(client).ok());
  const auto again = store_->add_client(client);
  ASSERT_FALSE(again.ok());
  EXPECT_EQ(again.error().code, ErrorCode::kAlreadyExists);
  EXPECT_EQ(place_->open()->find_client("client-1"), client);
  EXPECT_EQ(store_->find_client("client-2"), std::nullopt);
}

TEST_P(OAuthStoreTest, RegistrationsAreCountedPerAddressSinceATime) {
  for (int i = 0; i < 3; ++i) {
    ASSERT_TRUE(store_
                    ->add_client(OAuthClient{
                        "c" + std::to_string(i), "n", {"http://127.0.0.1/"}, "10.0.0.1", kNow + i})
                    .ok());
  }
  ASSERT_TRUE(
      store_->add_client(OAuthClient{"other", "n", {"http://127.0.0.1/"}, "10.0.0.2", kNow}).ok());
  EXPECT_EQ(store_->clients_registered_since("10.0.0.1", kNow), 3);
  EXPECT_EQ(store_->clients_registered_since("10.0.0.1", kNow + 1), 2);
  EXPECT_EQ(store_->clients_registered_since("10.0.0.3", 0), 0);
}

TEST_P(OAuthStoreTest, ACodeIsTakenOnceThenReportedAsReused) {
  ASSERT_TRUE(store_->add_code(code("digest-1")).ok());
  EXPECT_FALSE(store_->add_code(code("digest-1")).ok());
  const auto first = store_->take_code("digest-1", kNow);
  ASSERT_EQ(first.use, CodeUse::kTaken);
  EXPECT_EQ(first.code->grant, grant());
  EXPECT_EQ(first.code->redirect_uri, "http://127.0.0.1/cb");
  EXPECT_EQ(first.code->code_challenge, "challenge");
  const auto second = place_->open()->take_code("digest-1", kNow);
  EXPECT_EQ(second.use, CodeUse::kReused);
  ASSERT_TRUE(second.code.has_value());
  EXPECT_EQ(second.code->grant.family_id, "family-1");
  EXPECT_EQ(store_->take_code("unknown", kNow).use, CodeUse::kInvalid);
}

TEST_P(OAuthStoreTest, AnExpiredCodeIsInvalid) {
  ASSERT_TRUE(store_->add_code(code("digest-1", kNow)).ok());
  EXPECT_EQ(store_->take_code("digest-1", kNow).use, CodeUse::kInvalid);
}

TEST_P(OAuthStoreTest, OfConcurrentTakersExactlyOneGetsTheCode) {
  ASSERT_TRUE(store_->add_code(code("digest-race")).ok());
  std::vector<std::unique_ptr<OAuthStore>> nodes;
  for (int i = 0; i < 4; ++i)
    nodes.push_back(place_->open());
  std::atomic<int> taken{0};
  std::vector<std::thread> threads;
  for (auto& node : nodes) {
    threads.emplace_back([&node, &taken] {
      if (node->take_code("digest-race", kNow).use == CodeUse::kTaken)
        ++taken;
    });
  }
  for (auto& thread : threads)
    thread.join();
  EXPECT_EQ(taken.load(), 1);
}

TEST_P(OAuthStoreTest, ARefreshTokenRotatesOnceThenHasOneGraceUseThenRevokesItsFamily) {
  ASSERT_TRUE(store_->add_family(grant(), kNow).ok());
  EXPECT_FALSE(store_->add_family(grant(), kNow).ok());
  ASSERT_TRUE(store_->add_refresh("r1", "family-1", kNow + 3600).ok());
  ASSERT_TRUE(store_->add_refresh("r2", "family-1", kNow + 3600).ok());
  const auto rotated = store_->use_refresh("r1", kNow, 10);
  ASSERT_EQ(rotated.use, RefreshUse::kRotated);
  EXPECT_EQ(rotated.grant, grant());
  EXPECT_EQ(store_->use_refresh("r1", kNow + 5, 10).use, RefreshUse::kGrace);
  EXPECT_EQ(store_->use_refresh("r1", kNow + 6, 10).use, RefreshUse::kReplayed);
  // The family is revoked: its newer token is dead too.
  EXPECT_EQ(store_->use_refresh("r2", kNow + 7, 10).use, RefreshUse::kInvalid);
  EXPECT_EQ(store_->family_of("r2"), std::nullopt);
}

TEST_P(OAuthStoreTest, AReuseAfterTheGraceWindowRevokesTheFamily) {
  ASSERT_TRUE(store_->add_family(grant(), kNow).ok());
  ASSERT_TRUE(store_->add_refresh("r1", "family-1", kNow + 3600).ok());
  ASSERT_TRUE(store_->add_refresh("r2", "family-1", kNow + 3600).ok());
  ASSERT_EQ(store_->use_refresh("r1", kNow, 10).use, RefreshUse::kRotated);
  EXPECT_EQ(store_->use_refresh("r1", kNow + 11, 10).use, RefreshUse::kReplayed);
  EXPECT_EQ(store_->use_refresh("r2", kNow + 12, 10).use, RefreshUse::kInvalid);
}

TEST_P(OAuthStoreTest, ExpiredOrUnknownRefreshTokensAreInvalid) {
  ASSERT_TRUE(store_->add_family(grant(), kNow).ok());
  ASSERT_TRUE(store_->add_refresh("r1", "family-1", kNow).ok());
  EXPECT_EQ(store_->use_refresh("r1", kNow, 10).use, RefreshUse::kInvalid);
  EXPECT_EQ(store_->use_refresh("nope", kNow, 10).use, RefreshUse::kInvalid);
}

TEST_P(OAuthStoreTest, RevokingAFamilyKillsItsTokensOnEveryNode) {
  ASSERT_TRUE(store_->add_family(grant(), kNow).ok());
  ASSERT_TRUE(store_->add_refresh("r1", "family-1", kNow + 3600).ok());
  EXPECT_EQ(place_->open()->family_of("r1"), grant());
  store_->revoke_family("family-1");
  EXPECT_EQ(place_->open()->use_refresh("r1", kNow, 10).use, RefreshUse::kInvalid);
}

TEST_P(OAuthStoreTest, RevokingAUserKillsEveryFamilyOfThatUserOnly) {
  ASSERT_TRUE(store_->add_family(grant("f-alice"), kNow).ok());
  auto bob = grant("f-bob");
  bob.username = "bob";
  ASSERT_TRUE(store_->add_family(bob, kNow).ok());
  ASSERT_TRUE(store_->add_refresh("r-alice", "f-alice", kNow + 3600).ok());
  ASSERT_TRUE(store_->add_refresh("r-bob", "f-bob", kNow + 3600).ok());
  place_->open()->revoke_user("alice");
  EXPECT_EQ(store_->use_refresh("r-alice", kNow, 10).use, RefreshUse::kInvalid);
  EXPECT_EQ(store_->use_refresh("r-bob", kNow, 10).use, RefreshUse::kRotated);
}

TEST_P(OAuthStoreTest, OfConcurrentRotationsExactlyOneRotatesAndOneGetsTheGraceUse) {
  ASSERT_TRUE(store_->add_family(grant(), kNow).ok());
  ASSERT_TRUE(store_->add_refresh("r1", "family-1", kNow + 3600).ok());
  std::vector<std::unique_ptr<OAuthStore>> nodes;
  for (int i = 0; i < 4; ++i)
    nodes.push_back(place_->open());
  std::atomic<int> rotated{0};
  std::atomic<int> grace{0};
  std::vector<std::thread> threads;
  for (auto& node : nodes) {
    threads.emplace_back([&node, &rotated, &grace] {
      const auto use = node->use_refresh("r1", kNow, 10).use;
      rotated += use == RefreshUse::kRotated ? 1 : 0;
      grace += use == RefreshUse::kGrace ? 1 : 0;
    });
  }
  for (auto& thread : threads)
    thread.join();
  EXPECT_EQ(rotated.load(), 1);
  EXPECT_EQ(grace.load(), 1);
}

TEST_P(OAuthStoreTest, PurgeDeletesExpiredCodesTokensAndEmptyFamilies) {
  ASSERT_TRUE(store_->add_code(code("old", kNow - 1)).ok());
  ASSERT_TRUE(store_->add_code(code("new", kNow + 60)).ok());
  ASSERT_TRUE(store_->add_family(grant("f-old"), kNow).ok());
  ASSERT_TRUE(store_->add_refresh("r-old", "f-old", kNow - 1).ok());
  ASSERT_TRUE(store_->add_family(grant("f-new"), kNow).ok());
  ASSERT_TRUE(store_->add_refresh("r-new", "f-new", kNow + 60).ok());
  EXPECT_EQ(store_->purge_expired(kNow), 3);
  EXPECT_EQ(store_->take_code("new", kNow).use, CodeUse::kTaken);
  EXPECT_EQ(store_->use_refresh("r-new", kNow, 10).use, RefreshUse::kRotated);
}

}  // namespace bmcp::auth::testing
