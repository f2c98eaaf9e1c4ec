#pragma once

#include <filesystem>
#include <memory>

#include "auth/oauth_store.hpp"
#include "auth/sqlite_database.hpp"

namespace bmcp::auth {

// The OAuthStore in the SQLite file of the user store (<data_dir>/blender-mcp.db). The tables
// come with the user store's schema (version 3), so the server and the user CLI agree on one
// schema version. Database failures throw SqliteError.
class SqliteOAuthStore final : public OAuthStore {
 public:
  // Opens the file and brings its schema up to date, as SqliteUserStore::open does. Fails with
  // kIo, or kFailedPrecondition for a newer schema.
  static Result<std::unique_ptr<SqliteOAuthStore>> open(const std::filesystem::path& db_file);
  // On the connection of the user store of the same file (SqliteUserStore::database()), which
  // has migrated it: what `serve` uses, as one process keeps one connection per file.
  explicit SqliteOAuthStore(std::shared_ptr<SqliteDatabase> database)
      : database_(std::move(database)) {}

  Status add_client(const OAuthClient& client) override;
  std::optional<OAuthClient> find_client(std::string_view client_id) override;
  std::int64_t clients_registered_since(std::string_view address, std::int64_t since) override;
  Status add_code(const AuthorizationCode& code) override;
  CodeOutcome take_code(std::string_view code_digest, std::int64_t now) override;
  Status add_family(const OAuthGrant& grant, std::int64_t now) override;
  Status add_refresh(std::string_view token_digest, std::string_view family_id,
                     std::int64_t expires_at) override;
  RefreshOutcome use_refresh(std::string_view token_digest, std::int64_t now,
                             std::int64_t grace_seconds) override;
  std::optional<OAuthGrant> family_of(std::string_view token_digest) override;
  void revoke_family(std::string_view family_id) override;
  void revoke_user(std::string_view username) override;
  int purge_expired(std::int64_t now) override;

 private:
  std::shared_ptr<SqliteDatabase> database_;
};

}  // namespace bmcp::auth
