#pragma once

#include <chrono>
#include <filesystem>
#include <memory>
#include <mutex>
#include <optional>

#include "auth/file_change_probe.hpp"
#include "auth/sqlite_database.hpp"
#include "auth/user_presence_cache.hpp"
#include "auth/user_store.hpp"
#include "auth/wal_index_probe.hpp"
#include "core/clock.hpp"

namespace bmcp::auth {

// The UserStore in one SQLite file (<data_dir>/blender-mcp.db), the default for a single node.
// Several processes (the server and the user CLI) may use the file at once; every change is
// visible to the others on their next call. Database failures throw SqliteError (a StoreError).
//
// exists_with_uid() runs on every authenticated request. With a presence cache (the server's
// store) it answers from a UserPresenceCache of each name's uid instead of a SQLite read, and
// the whole cache is dropped whenever the database was written: every commit, this process's
// or another's (`blender-mcp user remove`), updates the wal-index header that WalIndexProbe
// reads from shared memory (no system call), so the next request reads the user again. Where
// the wal-index cannot be mapped, FileChangeProbe looks at the database file and its log
// instead (two stat() calls per check; file times can miss a change, so an entry is also
// never older than the cache's ttl). Without the cache (the `user` commands) every call reads
// the database. The other methods never use the cache.
class SqliteUserStore final : public UserStore {
 public:
  // Opens or creates the database and brings its schema up to date. Fails with kIo, or
  // kFailedPrecondition when the file was written by a newer schema.
  static Result<std::unique_ptr<SqliteUserStore>> open(
      const std::filesystem::path& db_file, const Clock& clock,
      std::optional<std::chrono::milliseconds> presence_cache_ttl = std::nullopt);

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
  struct PresenceCheck {
    PresenceCheck(const std::filesystem::path& db_file, const Clock& clock,
                  std::chrono::milliseconds ttl);
    // Drops every remembered answer when the database changed since the last look.
    void forget_if_files_changed();

    UserPresenceCache cache;
    std::mutex probe_mutex;  // serialises the probes, and keeps forget_all in step with them
    WalIndexProbe wal;       // used when available()
    FileChangeProbe files;   // otherwise
  };

  SqliteUserStore(std::shared_ptr<SqliteDatabase> database, const Clock& clock,
                  std::unique_ptr<PresenceCheck> presence)
      : database_(std::move(database)), clock_(clock), presence_(std::move(presence)) {}

  // The account's uid, or UserPresenceCache::kNoAccount.
  std::string read_uid(std::string_view username);

  std::shared_ptr<SqliteDatabase> database_;
  const Clock& clock_;
  std::unique_ptr<PresenceCheck> presence_;  // null: no cache
};

}  // namespace bmcp::auth
