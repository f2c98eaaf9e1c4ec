#pragma once

#include <filesystem>
#include <memory>

#include "auth/sqlite_database.hpp"
#include "auth/user_store.hpp"
#include "core/clock.hpp"

namespace bmcp::auth {

// The UserStore in one SQLite file (<data_dir>/blender-mcp.db), the default for a single node.
// Several processes (the server and the user CLI) may use the file at once; every change is
// visible to the others on their next call, since no data is cached (only compiled statements
// are). Database failures throw SqliteError (a StoreError).
class SqliteUserStore final : public UserStore {
 public:
  // Opens or creates the database and brings its schema up to date. Fails with kIo, or
  // kFailedPrecondition when the file was written by a newer schema.
  static Result<std::unique_ptr<SqliteUserStore>> open(const std::filesystem::path& db_file,
                                                       const Clock& clock);

  Result<UserRecord> find(std::string_view username) override;
  bool exists_with_uid(std::string_view username, std::string_view uid) override;
  Status add(const UserRecord& record) override;
  Status set_password(std::string_view username, std::string_view password_hash) override;
  Status set_roles_and_scopes(std::string_view username, const std::vector<std::string>& roles,
                              const std::vector<std::string>& scopes) override;
  Status remove(std::string_view username, RemovePolicy policy = RemovePolicy::kAnyUser) override;
  std::vector<UserRecord> list() override;
  bool any_admin() override;

  Status record_refresh(std::string_view jti, std::string_view username, std::int64_t issued_at,
                        std::int64_t expires_at) override;
  bool rotate_refresh(std::string_view jti, std::int64_t now) override;
  void revoke_refresh_tokens(std::string_view username) override;
  int purge_expired_refresh(std::int64_t now) override;

  // The connection, for other stores of the same file in this process (SqliteOAuthStore):
  // one process must not open the file twice while a connection is open (see
  // SqliteDatabase::open).
  std::shared_ptr<SqliteDatabase> database() const { return database_; }

 private:
  SqliteUserStore(std::shared_ptr<SqliteDatabase> database, const Clock& clock)
      : database_(std::move(database)), clock_(clock) {}

  std::shared_ptr<SqliteDatabase> database_;
  const Clock& clock_;
};

}  // namespace bmcp::auth
