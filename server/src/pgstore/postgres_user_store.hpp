#pragma once

#include <atomic>
#include <chrono>
#include <memory>
#include <optional>
#include <string>

#include "auth/user_presence_cache.hpp"
#include "auth/user_store.hpp"
#include "core/clock.hpp"
#include "pgstore/pg_pool.hpp"
#include "pgstore/user_change_listener.hpp"

namespace bmcp::pgstore {

struct PostgresStoreOptions {
  // Connections this store opens at most (more callers wait for one).
  std::size_t max_connections = 4;
  // When set, exists_with_uid() answers from a cache (UserPresenceCache: each name's current
  // uid) whose entries are dropped when PostgreSQL notifies a change to their user and are never
  // older than this; a removal (or removal and re-creation) made on any node is seen within
  // about this time even if a notification is lost. Unset: exists_with_uid() asks the database
  // every time. The other methods never use the cache.
  std::optional<std::chrono::milliseconds> presence_cache_ttl;
};

// The UserStore in a PostgreSQL database that several nodes share (docs/user-store.md). The
// schema means what the SQLite store's means (users with their immutable random `uid`, refresh
// tokens), plus the shared signing key. Rotation of a refresh token is one conditional UPDATE, so
// of two nodes racing on one token exactly one wins. Connections are pooled (PgPool) and re-opened
// after a server restart; while PostgreSQL cannot be reached calls throw StoreUnavailable.
class PostgresUserStore final : public auth::UserStore {
 public:
  // Connects, brings the schema up to date (migrate_postgres_schema) and, with a presence
  // cache, starts listening for user changes. Fails with kIo when PostgreSQL cannot be reached
  // or refuses a statement, kFailedPrecondition when the schema is newer than this program.
  static Result<std::unique_ptr<PostgresUserStore>> open(const std::string& url, const Clock& clock,
                                                         PostgresStoreOptions options = {});
  ~PostgresUserStore() override;

  Result<auth::UserRecord> find(std::string_view username) override;
  bool exists_with_uid(std::string_view username, std::string_view uid) override;
  Status add(const auth::UserRecord& record) override;
  Status set_password(std::string_view username, std::string_view password_hash) override;
  Status set_roles_and_scopes(std::string_view username, const std::vector<std::string>& roles,
                              const std::vector<std::string>& scopes) override;
  Status remove(std::string_view username,
                auth::RemovePolicy policy = auth::RemovePolicy::kAnyUser) override;
  std::vector<auth::UserRecord> list() override;
  bool any_admin() override;

  Status record_refresh(std::string_view jti, std::string_view username, std::int64_t issued_at,
                        std::int64_t expires_at) override;
  bool rotate_refresh(std::string_view jti, std::int64_t now) override;
  void revoke_refresh_tokens(std::string_view username) override;
  int purge_expired_refresh(std::int64_t now) override;

  // The JWT signing key every node of the database shares: the stored one, or, on the first
  // start, a new random key stored by whichever node gets there first (INSERT ... ON CONFLICT
  // DO NOTHING, then read back). Throws StoreError.
  std::string shared_signing_key();

  // True once the presence cache is fed by notifications, and how many user changes were
  // heard so far (tests wait for them).
  bool listening_for_changes() const { return listening_.load(); }
  std::uint64_t changes_heard() const { return changes_heard_.load(); }

 private:
  PostgresUserStore(const std::string& url, const Clock& clock, PostgresStoreOptions options);

  const Clock& clock_;
  PgPool pool_;
  std::unique_ptr<auth::UserPresenceCache> presence_;
  std::atomic<bool> listening_{false};
  std::atomic<std::uint64_t> changes_heard_{0};
  std::unique_ptr<UserChangeListener> listener_;  // last: it calls into presence_
};

}  // namespace bmcp::pgstore
