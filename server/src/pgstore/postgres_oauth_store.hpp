#pragma once

#include <memory>
#include <string>

#include "auth/oauth_store.hpp"
#include "pgstore/pg_pool.hpp"

namespace bmcp::pgstore {

// The OAuthStore in the PostgreSQL database the user store uses (schema version 2), shared by
// every node: a client registered, a code issued or a refresh token rotated on one node is seen
// by the others on their next call. Spending a code and rotating a refresh token are single
// conditional UPDATEs, so of nodes racing on one exactly one wins. Connections come from a pool
// of its own; while PostgreSQL cannot be reached calls throw StoreUnavailable.
class PostgresOAuthStore final : public auth::OAuthStore {
 public:
  // Connects and brings the schema up to date (migrate_postgres_schema). Fails with kIo, or
  // kFailedPrecondition for a newer schema.
  static Result<std::unique_ptr<PostgresOAuthStore>> open(const std::string& url,
                                                          std::size_t max_connections = 2);

  Status add_client(const auth::OAuthClient& client) override;
  std::optional<auth::OAuthClient> find_client(std::string_view client_id) override;
  std::int64_t clients_registered_since(std::string_view address, std::int64_t since) override;
  Status add_code(const auth::AuthorizationCode& code) override;
  auth::CodeOutcome take_code(std::string_view code_digest, std::int64_t now) override;
  Status add_family(const auth::OAuthGrant& grant, std::int64_t now) override;
  Status add_refresh(std::string_view token_digest, std::string_view family_id,
                     std::int64_t expires_at) override;
  auth::RefreshOutcome use_refresh(std::string_view token_digest, std::int64_t now,
                                   std::int64_t grace_seconds) override;
  std::optional<auth::OAuthGrant> family_of(std::string_view token_digest) override;
  void revoke_family(std::string_view family_id) override;
  void revoke_user(std::string_view username) override;
  int purge_expired(std::int64_t now) override;

 private:
  PostgresOAuthStore(const std::string& url, std::size_t max_connections)
      : pool_(url, max_connections) {}

  PgPool pool_;
};

}  // namespace bmcp::pgstore
