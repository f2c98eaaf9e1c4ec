#include "auth/user_store_schema.hpp"

#include <array>
#include <string>
#include <string_view>

namespace bmcp::auth {

namespace {

// kMigrations[i] takes the schema from version i to version i + 1. Append only.
constexpr std::array<std::string_view, kUserStoreSchemaVersion> kMigrations = {
    // 1: users and refresh-token records. roles and scopes are JSON arrays of strings.
    R"sql(
      CREATE TABLE users (
        username      TEXT PRIMARY KEY NOT NULL,
        password_hash TEXT NOT NULL,
        roles         TEXT NOT NULL,
        scopes        TEXT NOT NULL,
        created_at    REAL NOT NULL,
        updated_at    REAL NOT NULL
      );
      CREATE TABLE refresh_tokens (
        jti        TEXT PRIMARY KEY NOT NULL,
        username   TEXT NOT NULL,
        issued_at  INTEGER NOT NULL,
        expires_at INTEGER NOT NULL,
        rotated_at REAL,
        revoked_at REAL
      );
      CREATE INDEX refresh_tokens_by_username ON refresh_tokens (username);
      CREATE INDEX refresh_tokens_by_expiry ON refresh_tokens (expires_at);
    )sql",
    // 2: users.uid, the account's immutable random id (UserRecord::uid). Accounts made before
    // it get one here (128 random bits, lowercase hex, as new_user_uid() makes them); the
    // tokens issued to them carry no uid and are refused from now on, so they log in again.
    R"sql(
      ALTER TABLE users ADD COLUMN uid TEXT NOT NULL DEFAULT '';
      UPDATE users SET uid = lower(hex(randomblob(16)));
      CREATE UNIQUE INDEX users_by_uid ON users (uid);
    )sql",
    // 3: the OAuth authorization server (docs/authorization.md): registered clients,
    // authorization codes and refresh-token families. Codes and tokens are kept as digests;
    // scopes and redirect URIs are JSON arrays of strings; times are Unix seconds.
    R"sql(
      CREATE TABLE oauth_clients (
        client_id       TEXT PRIMARY KEY NOT NULL,
        client_name     TEXT NOT NULL,
        redirect_uris   TEXT NOT NULL,
        registered_from TEXT NOT NULL,
        registered_at   INTEGER NOT NULL
      );
      CREATE INDEX oauth_clients_by_address ON oauth_clients (registered_from, registered_at);
      CREATE TABLE oauth_codes (
        code_digest    TEXT PRIMARY KEY NOT NULL,
        family_id      TEXT NOT NULL,
        client_id      TEXT NOT NULL,
        username       TEXT NOT NULL,
        uid            TEXT NOT NULL,
        scopes         TEXT NOT NULL,
        resource       TEXT NOT NULL,
        redirect_uri   TEXT NOT NULL,
        code_challenge TEXT NOT NULL,
        expires_at     INTEGER NOT NULL,
        used_at        INTEGER
      );
      CREATE TABLE oauth_families (
        family_id  TEXT PRIMARY KEY NOT NULL,
        client_id  TEXT NOT NULL,
        username   TEXT NOT NULL,
        uid        TEXT NOT NULL,
        scopes     TEXT NOT NULL,
        resource   TEXT NOT NULL,
        created_at INTEGER NOT NULL,
        revoked_at INTEGER
      );
      CREATE TABLE oauth_refresh_tokens (
        token_digest TEXT PRIMARY KEY NOT NULL,
        family_id    TEXT NOT NULL,
        expires_at   INTEGER NOT NULL,
        rotated_at   INTEGER,
        grace_used   INTEGER NOT NULL DEFAULT 0
      );
      CREATE INDEX oauth_refresh_tokens_by_family ON oauth_refresh_tokens (family_id);
    )sql",
};

}  // namespace

int user_store_schema_version(SqliteDatabase::Lock& db) {
  db.exec("CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL)");
  auto select = db.prepare("SELECT MAX(version) FROM schema_version");
  return select.step() ? static_cast<int>(select.column_int(0)) : 0;
}

Status migrate_user_store(SqliteDatabase::Lock& db) {
  return db.transaction([&db]() -> Status {
    // Read inside the write transaction so two processes opening a new file do not both
    // run the same migration.
    const int current = user_store_schema_version(db);
    if (current > kUserStoreSchemaVersion) {
      return Unexpected{make_error(ErrorCode::kFailedPrecondition,
                                   "database schema version " + std::to_string(current) +
                                       " is newer than this program supports (" +
                                       std::to_string(kUserStoreSchemaVersion) + ")")};
    }
    for (int version = current; version < kUserStoreSchemaVersion; ++version) {
      db.exec(kMigrations[static_cast<std::size_t>(version)]);
    }
    if (current != kUserStoreSchemaVersion) {
      db.exec("DELETE FROM schema_version");
      db.prepare("INSERT INTO schema_version (version) VALUES (?)")
          .bind(1, std::int64_t{kUserStoreSchemaVersion})
          .run();
    }
    return {};
  });
}

Result<std::unique_ptr<SqliteDatabase>> open_user_store_file(const std::filesystem::path& file) {
  auto database = SqliteDatabase::open(file);
  if (!database)
    return Unexpected{database.error()};
  try {
    auto lock = (*database)->lock();
    if (auto migrated = migrate_user_store(lock); !migrated)
      return Unexpected{migrated.error()};
  } catch (const SqliteError& error) {
    return Unexpected{make_error(ErrorCode::kIo, error.what())};
  }
  return std::move(database).value();
}

}  // namespace bmcp::auth
