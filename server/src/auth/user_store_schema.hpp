#pragma once

#include "auth/sqlite_database.hpp"
#include "core/result.hpp"

namespace bmcp::auth {

// The schema version this program writes. Each version has one migration step from the
// previous one; a new database runs all of them.
inline constexpr int kUserStoreSchemaVersion = 3;

// Brings the database up to kUserStoreSchemaVersion inside one transaction. Fails with
// kFailedPrecondition when the file has a newer version than this program knows.
// Throws SqliteError on database failures.
Status migrate_user_store(SqliteDatabase::Lock& db);

// The version recorded in the file (0 for a new file).
int user_store_schema_version(SqliteDatabase::Lock& db);

}  // namespace bmcp::auth
