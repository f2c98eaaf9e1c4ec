#pragma once

#include "core/result.hpp"
#include "pgstore/pg_connection.hpp"

namespace bmcp::pgstore {

// The schema version this program writes in PostgreSQL. Each version has one migration step
// from the previous one; a new database runs all of them. (The SQLite store numbers its own
// versions; docs/user-store.md lists both.)
inline constexpr int kPostgresSchemaVersion = 2;

// The channel the users table's trigger notifies (payload: the username) after every change
// to a user, so that nodes can drop what they cached about it.
inline constexpr const char* kUsersChangedChannel = "blender_mcp_users_changed";

struct Migration {
  int from_version = 0;
  int to_version = 0;
};

// Brings the database up to kPostgresSchemaVersion in one transaction, under an advisory lock,
// so that nodes starting together run each step once. Fails with kFailedPrecondition when the
// database has a newer version than this program knows (nothing is changed then).
// Throws StoreError on database failures.
Result<Migration> migrate_postgres_schema(PgConnection& connection);

// The version recorded in the database (0 when it has no schema yet).
int postgres_schema_version(PgConnection& connection);

}  // namespace bmcp::pgstore
