#include "auth/sqlite_user_store.hpp"

#include "auth/string_array_text.hpp"
#include "auth/user_store_schema.hpp"

namespace bmcp::auth {

namespace {

constexpr std::string_view kUserColumns =
    "username, password_hash, roles, scopes, created_at, updated_at, uid";

std::string to_json_array(const std::vector<std::string>& items) {
  return to_string_array_text(items);
}

// The columns are written only by this file, so anything but an array of strings is
// corruption, which is thrown like any other database failure.
std::vector<std::string> from_json_array(const std::string& text) {
  auto items = parse_string_array_text(text);
  if (!items) {
    throw SqliteError("user store: corrupt string array: " + text);
  }
  return std::move(*items);
}

// Reads a row selected with kUserColumns (kSelectUser lists the same columns).
UserRecord read_user(const SqliteStatement& row) {
  return UserRecord{row.column_text(0),
                    row.column_text(1),
                    from_json_array(row.column_text(2)),
                    from_json_array(row.column_text(3)),
                    row.column_double(4),
                    row.column_double(5),
                    row.column_text(6)};
}

// Run on every authenticated request, so compiled once (prepare_cached) rather than per call.
constexpr std::string_view kSelectUser =
    "SELECT username, password_hash, roles, scopes, created_at, updated_at, uid FROM users "
    "WHERE username = ?";
constexpr std::string_view kUserUid = "SELECT uid FROM users WHERE username = ?";

std::optional<UserRecord> find_locked(SqliteDatabase::Lock& db, std::string_view username) {
  auto select = db.prepare_cached(kSelectUser);
  select.bind(1, username);
  if (!select.step()) {
    return std::nullopt;
  }
  return read_user(select);
}

bool another_admin_exists(SqliteDatabase::Lock& db, std::string_view username) {
  auto select = db.prepare(
      "SELECT EXISTS (SELECT 1 FROM users, json_each(users.roles) "
      "WHERE json_each.value = 'admin' AND users.username <> ?)");
  select.bind(1, username);
  return select.step() && select.column_int(0) != 0;
}

void revoke_locked(SqliteDatabase::Lock& db, std::string_view username, double now) {
  db.prepare("UPDATE refresh_tokens SET revoked_at = ? WHERE username = ? AND revoked_at IS NULL")
      .bind(1, now)
      .bind(2, username)
      .run();
}

Error not_found(std::string_view username) {
  return make_error(ErrorCode::kNotFound, "no user named '" + std::string(username) + "'");
}

}  // namespace

SqliteUserStore::PresenceCheck::PresenceCheck(const std::filesystem::path& db_file,
                                              const Clock& clock, std::chrono::milliseconds ttl)
    : cache(clock, ttl),
      wal(db_file),
      files({db_file, std::filesystem::path(db_file.string() + "-wal")}) {
  cache.enable();
}

void SqliteUserStore::PresenceCheck::forget_if_files_changed() {
  std::lock_guard lock(probe_mutex);
  if (wal.available() ? wal.changed() : files.changed()) {
    cache.forget_all();
  }
}

Result<std::unique_ptr<SqliteUserStore>> SqliteUserStore::open(
    const std::filesystem::path& db_file, const Clock& clock,
    std::optional<std::chrono::milliseconds> presence_cache_ttl) {
  auto database = open_user_store_file(db_file);
  if (!database)
    return Unexpected{database.error()};
  std::unique_ptr<PresenceCheck> presence;
  if (presence_cache_ttl) {
    presence = std::make_unique<PresenceCheck>(db_file, clock, *presence_cache_ttl);
  }
  return std::unique_ptr<SqliteUserStore>(
      new SqliteUserStore(std::move(database).value(), clock, std::move(presence)));
}

Result<UserRecord> SqliteUserStore::find(std::string_view username) {
  auto db = database_->lock();
  auto user = find_locked(db, username);
  if (!user) {
    return Unexpected{not_found(username)};
  }
  return std::move(*user);
}

std::string SqliteUserStore::read_uid(std::string_view username) {
  auto db = database_->lock();
  auto select = db.prepare_cached(kUserUid);
  select.bind(1, username);
  return select.step() ? select.column_text(0) : std::string(UserPresenceCache::kNoAccount);
}

bool SqliteUserStore::exists_with_uid(std::string_view username, std::string_view uid) {
  if (uid.empty()) {
    return false;  // no account has an empty uid
  }
  if (!presence_) {
    return read_uid(username) == uid;
  }
  presence_->forget_if_files_changed();
  if (const auto held = presence_->cache.holds(username, uid)) {
    return *held;
  }
  const std::uint64_t generation = presence_->cache.generation();
  std::string current = read_uid(username);
  const bool matches = current == uid;
  presence_->cache.remember(std::string(username), std::move(current), generation);
  return matches;
}

Status SqliteUserStore::add(const UserRecord& record) {
  const double now = clock_.unix_seconds();
  auto db = database_->lock();
  db.prepare("INSERT INTO users (" + std::string(kUserColumns) +
             ") VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT (username) DO NOTHING")
      .bind(1, record.username)
      .bind(2, record.password_hash)
      .bind(3, to_json_array(record.roles))
      .bind(4, to_json_array(record.scopes))
      .bind(5, now)
      .bind(6, now)
      .bind(7, new_user_uid())
      .run();
  if (db.changes() == 0) {
    return Unexpected{
        make_error(ErrorCode::kAlreadyExists, "user '" + record.username + "' already exists")};
  }
  if (presence_) {
    presence_->cache.forget(record.username);  // it was remembered as having no account
  }
  return {};
}

Status SqliteUserStore::set_password(std::string_view username, std::string_view password_hash) {
  const double now = clock_.unix_seconds();
  auto db = database_->lock();
  db.prepare("UPDATE users SET password_hash = ?, updated_at = ? WHERE username = ?")
      .bind(1, password_hash)
      .bind(2, now)
      .bind(3, username)
      .run();
  if (db.changes() == 0) {
    return Unexpected{not_found(username)};
  }
  return {};
}

Status SqliteUserStore::set_roles_and_scopes(std::string_view username,
                                             const std::vector<std::string>& roles,
                                             const std::vector<std::string>& scopes) {
  const double now = clock_.unix_seconds();
  auto db = database_->lock();
  db.prepare("UPDATE users SET roles = ?, scopes = ?, updated_at = ? WHERE username = ?")
      .bind(1, to_json_array(roles))
      .bind(2, to_json_array(scopes))
      .bind(3, now)
      .bind(4, username)
      .run();
  if (db.changes() == 0) {
    return Unexpected{not_found(username)};
  }
  return {};
}

Status SqliteUserStore::remove(std::string_view username, RemovePolicy policy) {
  const double now = clock_.unix_seconds();
  auto db = database_->lock();
  Status removed = db.transaction([&]() -> Status {
    const auto user = find_locked(db, username);
    if (!user) {
      return Unexpected{not_found(username)};
    }
    if (policy == RemovePolicy::kKeepLastAdmin && user->has_role(kAdminRole) &&
        !another_admin_exists(db, username)) {
      return Unexpected{make_error(
          ErrorCode::kFailedPrecondition,
          "refusing to remove '" + user->username + "': it is the last user with the role admin")};
    }
    db.prepare("DELETE FROM users WHERE username = ?").bind(1, username).run();
    revoke_locked(db, username, now);
    return {};
  });
  if (removed && presence_) {
    presence_->cache.forget(username);  // exact for this process; others see the file change
  }
  return removed;
}

std::vector<UserRecord> SqliteUserStore::list() {
  auto db = database_->lock();
  auto select = db.prepare("SELECT " + std::string(kUserColumns) + " FROM users ORDER BY username");
  std::vector<UserRecord> users;
  while (select.step()) {
    users.push_back(read_user(select));
  }
  return users;
}

bool SqliteUserStore::any_admin() {
  auto db = database_->lock();
  auto select = db.prepare(
      "SELECT EXISTS (SELECT 1 FROM users, json_each(users.roles) "
      "WHERE json_each.value = 'admin')");
  return select.step() && select.column_int(0) != 0;
}

Status SqliteUserStore::record_refresh(std::string_view jti, std::string_view username,
                                       std::int64_t issued_at, std::int64_t expires_at) {
  auto db = database_->lock();
  db.prepare(
        "INSERT INTO refresh_tokens (jti, username, issued_at, expires_at) VALUES (?, ?, ?, ?) "
        "ON CONFLICT (jti) DO NOTHING")
      .bind(1, jti)
      .bind(2, username)
      .bind(3, issued_at)
      .bind(4, expires_at)
      .run();
  if (db.changes() == 0) {
    return Unexpected{make_error(ErrorCode::kAlreadyExists, "refresh token id already recorded")};
  }
  return {};
}

bool SqliteUserStore::rotate_refresh(std::string_view jti, std::int64_t now) {
  const double rotated_at = clock_.unix_seconds();
  auto db = database_->lock();
  // One statement, so it is atomic against other threads and other processes alike.
  db.prepare(
        "UPDATE refresh_tokens SET rotated_at = ? "
        "WHERE jti = ? AND rotated_at IS NULL AND revoked_at IS NULL AND expires_at > ? "
        "AND EXISTS (SELECT 1 FROM users WHERE users.username = refresh_tokens.username)")
      .bind(1, rotated_at)
      .bind(2, jti)
      .bind(3, now)
      .run();
  return db.changes() == 1;
}

void SqliteUserStore::revoke_refresh_tokens(std::string_view username) {
  const double now = clock_.unix_seconds();
  auto db = database_->lock();
  revoke_locked(db, username, now);
}

int SqliteUserStore::purge_expired_refresh(std::int64_t now) {
  auto db = database_->lock();
  db.prepare("DELETE FROM refresh_tokens WHERE expires_at <= ?").bind(1, now).run();
  return db.changes();
}

}  // namespace bmcp::auth
