#pragma once

#include <filesystem>
#include <memory>

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

// Opens the user store's file and brings its schema up to date: what every store on that file
// (users, OAuth grants) starts from. Fails with kIo, or kFailedPrecondition for a newer schema.
Result<std::unique_ptr<SqliteDatabase>> open_user_store_file(const std::filesystem::path& file);

// The version recorded in the file (0 for a new file).
int user_store_schema_version(SqliteDatabase::Lock& db);

}  // namespace bmcp::auth
