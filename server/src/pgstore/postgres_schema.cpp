#include "pgstore/postgres_schema.hpp"

#include <array>
#include <string>
#include <string_view>

namespace bmcp::pgstore {

namespace {

// Any constant unique to this program: the advisory lock that serializes migrations.
constexpr std::int64_t kMigrationLock = 0x626d6370'75736572;  // "bmcpuser"

// kMigrations[i] takes the schema from version i to version i + 1. Append only.
// The tables mean what the SQLite store's tables mean (docs/user-store.md): roles and scopes
// are JSON arrays of strings, times are Unix seconds.
constexpr std::array<std::string_view, kPostgresSchemaVersion> kMigrations = {
    // 1: users (with their immutable random uid), refresh-token records, the shared signing
    // key, and the notification that tells every node a user changed.
    R"sql(
      CREATE TABLE users (
        username      TEXT PRIMARY KEY,
        uid           TEXT NOT NULL UNIQUE,
        password_hash TEXT NOT NULL,
        roles         JSONB NOT NULL,
        scopes        JSONB NOT NULL,
        created_at    DOUBLE PRECISION NOT NULL,
        updated_at    DOUBLE PRECISION NOT NULL
      );
      CREATE TABLE refresh_tokens (
        jti        TEXT PRIMARY KEY,
        username   TEXT NOT NULL,
        issued_at  BIGINT NOT NULL,
        expires_at BIGINT NOT NULL,
        rotated_at DOUBLE PRECISION,
        revoked_at DOUBLE PRECISION
      );
      CREATE INDEX refresh_tokens_by_username ON refresh_tokens (username);
      CREATE INDEX refresh_tokens_by_expiry ON refresh_tokens (expires_at);
      CREATE TABLE signing_key (
        id         INTEGER PRIMARY KEY CHECK (id = 1),
        key        TEXT NOT NULL,
        created_at DOUBLE PRECISION NOT NULL
      );
      CREATE FUNCTION blender_mcp_notify_user_changed() RETURNS trigger AS $$
      BEGIN
        IF TG_OP = 'DELETE' THEN
          PERFORM pg_notify('blender_mcp_users_changed', OLD.username);
        ELSE
          PERFORM pg_notify('blender_mcp_users_changed', NEW.username);
        END IF;
        RETURN NULL;
      END;
      $$ LANGUAGE plpgsql;
      CREATE TRIGGER users_changed AFTER INSERT OR UPDATE OR DELETE ON users
        FOR EACH ROW EXECUTE FUNCTION blender_mcp_notify_user_changed();
    )sql",
    // 2: the OAuth authorization server's tables (docs/authorization.md), as in the SQLite
    // store's version 3.
    R"sql(
      CREATE TABLE oauth_clients (
        client_id       TEXT PRIMARY KEY,
        client_name     TEXT NOT NULL,
        redirect_uris   JSONB NOT NULL,
        registered_from TEXT NOT NULL,
        registered_at   BIGINT NOT NULL
      );
      CREATE INDEX oauth_clients_by_address ON oauth_clients (registered_from, registered_at);
      CREATE TABLE oauth_codes (
        code_digest    TEXT PRIMARY KEY,
        family_id      TEXT NOT NULL,
        client_id      TEXT NOT NULL,
        username       TEXT NOT NULL,
        uid            TEXT NOT NULL,
        scopes         JSONB NOT NULL,
        resource       TEXT NOT NULL,
        redirect_uri   TEXT NOT NULL,
        code_challenge TEXT NOT NULL,
        expires_at     BIGINT NOT NULL,
        used_at        BIGINT
      );
      CREATE TABLE oauth_families (
        family_id  TEXT PRIMARY KEY,
        client_id  TEXT NOT NULL,
        username   TEXT NOT NULL,
        uid        TEXT NOT NULL,
        scopes     JSONB NOT NULL,
        resource   TEXT NOT NULL,
        created_at BIGINT NOT NULL,
        revoked_at BIGINT
      );
      CREATE TABLE oauth_refresh_tokens (
        token_digest TEXT PRIMARY KEY,
        family_id    TEXT NOT NULL,
        expires_at   BIGINT NOT NULL,
        rotated_at   BIGINT,
        grace_used   BOOLEAN NOT NULL DEFAULT FALSE
      );
      CREATE INDEX oauth_refresh_tokens_by_family ON oauth_refresh_tokens (family_id);
    )sql",
};

int read_version(PgConnection& connection) {
  const auto result = connection.exec("SELECT COALESCE(MAX(version), 0) FROM schema_version");
  return static_cast<int>(result.int64(0, 0));
}

bool has_version_table(PgConnection& connection) {
  return connection.exec("SELECT to_regclass('schema_version') IS NOT NULL").boolean(0, 0);
}

}  // namespace

int postgres_schema_version(PgConnection& connection) {
  return has_version_table(connection) ? read_version(connection) : 0;
}

Result<Migration> migrate_postgres_schema(PgConnection& connection) {
  connection.exec("BEGIN");
  try {
    connection.exec("SELECT pg_advisory_xact_lock($1)", {pg_param(kMigrationLock)});
    connection.exec("CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL)");
    const int current = read_version(connection);
    if (current > kPostgresSchemaVersion) {
      connection.exec("ROLLBACK");
      return Unexpected{make_error(ErrorCode::kFailedPrecondition,
                                   "database schema version " + std::to_string(current) +
                                       " is newer than this program supports (" +
                                       std::to_string(kPostgresSchemaVersion) + ")")};
    }
    for (int version = current; version < kPostgresSchemaVersion; ++version) {
      connection.exec_script(kMigrations[static_cast<std::size_t>(version)]);
    }
    if (current != kPostgresSchemaVersion) {
      connection.exec("DELETE FROM schema_version");
      connection.exec("INSERT INTO schema_version (version) VALUES ($1)",
                      {pg_param(std::int64_t{kPostgresSchemaVersion})});
    }
    connection.exec("COMMIT");
    return Migration{current, kPostgresSchemaVersion};
  } catch (...) {
    connection.rollback_after_failure();
    throw;
  }
}

}  // namespace bmcp::pgstore
