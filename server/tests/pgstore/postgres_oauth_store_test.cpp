#include "pgstore/postgres_oauth_store.hpp"

#include <gtest/gtest.h>

#include "../auth/oauth_store_test.hpp"
#include "../auth/test_support.hpp"
#include "test_postgres.hpp"

namespace bmcp::pgstore {
namespace {

// One fresh database on the tests' PostgreSQL server.
class PostgresOAuthDatabase final : public auth::testing::OAuthPlace {
 public:
  explicit PostgresOAuthDatabase(std::unique_ptr<testing::TestDatabase> database)
      : database_(std::move(database)) {}

  std::unique_ptr<auth::OAuthStore> open() override {
    auto store = PostgresOAuthStore::open(database_->url());
    EXPECT_TRUE(store.ok()) << (store.ok() ? "" : store.error().message);
    return store.ok() ? std::move(store).value() : nullptr;
  }

 private:
  std::unique_ptr<testing::TestDatabase> database_;
};

const auth::testing::OAuthStoreBackend kPostgres{
    "Postgres", []() -> Result<std::unique_ptr<auth::testing::OAuthPlace>, std::string> {
      auto database = testing::TestDatabase::create();
      if (!database) {
        return Unexpected{database.error()};
      }
      return std::unique_ptr<auth::testing::OAuthPlace>(
          std::make_unique<PostgresOAuthDatabase>(std::move(database).value()));
    }};

using auth::testing::OAuthStoreTest;

INSTANTIATE_TEST_SUITE_P(Postgres, OAuthStoreTest, ::testing::Values(kPostgres),
                         auth::testing::oauth_backend_name);

TEST(PostgresOAuthStoreOpenTest, AnUnreachableServerFailsTheOpenWithIo) {
  auto store = PostgresOAuthStore::open("postgresql://nobody@127.0.0.1:1/none");
  ASSERT_FALSE(store.ok());
  EXPECT_EQ(store.error().code, ErrorCode::kIo);
}

}  // namespace
}  // namespace bmcp::pgstore
