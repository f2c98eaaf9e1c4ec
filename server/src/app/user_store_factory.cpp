#include "app/user_store_factory.hpp"

#include "auth/data_dir.hpp"
#include "auth/signing_key.hpp"
#include "auth/sqlite_oauth_store.hpp"
#include "auth/sqlite_user_store.hpp"
#include "auth/user_store_schema.hpp"
#include "pgstore/database_url.hpp"
#include "pgstore/pg_connection.hpp"
#include "pgstore/postgres_oauth_store.hpp"
#include "pgstore/postgres_schema.hpp"
#include "pgstore/postgres_user_store.hpp"

namespace bmcp::app {

namespace {

std::string postgres_description(const std::string& url) {
  return "PostgreSQL " + pgstore::redacted_url(url);
}

// presence_cache_ttl: set for the server's store (SqliteUserStore's per-request check cache).
Result<OpenedStore> open_sqlite(const std::filesystem::path& data_dir, const Clock& clock,
                                std::optional<std::chrono::milliseconds> presence_cache_ttl) {
  if (auto made = auth::ensure_data_dir(data_dir); !made) {
    return Unexpected{made.error()};
  }
  const auto file = auth::database_file(data_dir);
  auto store = auth::SqliteUserStore::open(file, clock, presence_cache_ttl);
  if (!store) {
    return Unexpected{store.error()};
  }
  // The OAuth tables are in the same file: on the same connection (see SqliteDatabase::open).
  auto oauth = std::make_unique<auth::SqliteOAuthStore>((*store)->database());
  return OpenedStore{std::move(store).value(), std::move(oauth), {}, "SQLite " + file.string()};
}

Result<std::unique_ptr<pgstore::PostgresUserStore>> open_postgres(
    const std::string& url, const Clock& clock, pgstore::PostgresStoreOptions options) {
  if (auto checked = pgstore::check_database_url("the database URL", url); !checked) {
    return Unexpected{checked.error()};
  }
  auto store = pgstore::PostgresUserStore::open(url, clock, options);
  if (!store) {
    return Unexpected{store.error()};
  }
  return std::move(store).value();
}

}  // namespace

Result<OpenedStore> open_server_store(const StoreLocation& location,
                                      const std::optional<std::string>& configured_key,
                                      const Clock& clock) {
  if (!location.database_url) {
    // The key first, as before there was a choice: a data dir whose key cannot be read or
    // written does not get a database either.
    if (auto made = auth::ensure_data_dir(location.data_dir); !made) {
      return Unexpected{made.error()};
    }
    auto key = auth::load_or_create_signing_key(configured_key, location.data_dir);
    if (!key) {
      return Unexpected{key.error()};
    }
    auto opened = open_sqlite(location.data_dir, clock, kPresenceCacheTtl);
    if (!opened) {
      return opened;
    }
    opened->signing_key = std::move(key).value();
    return opened;
  }
  pgstore::PostgresStoreOptions options;
  options.presence_cache_ttl = kPresenceCacheTtl;
  auto store = open_postgres(*location.database_url, clock, options);
  if (!store) {
    return Unexpected{store.error()};
  }
  std::string key;
  if (configured_key && !configured_key->empty()) {
    key = *configured_key;
  } else {
    try {
      key = (*store)->shared_signing_key();
    } catch (const auth::StoreError& error) {
      return Unexpected{make_error(ErrorCode::kIo, error.what())};
    }
  }
  auto oauth = pgstore::PostgresOAuthStore::open(*location.database_url);
  if (!oauth) {
    return Unexpected{oauth.error()};
  }
  return OpenedStore{std::move(store).value(), std::move(oauth).value(), std::move(key),
                     postgres_description(*location.database_url)};
}

Result<OpenedStore> open_command_store(const StoreLocation& location, const Clock& clock) {
  if (!location.database_url) {
    return open_sqlite(location.data_dir, clock, std::nullopt);
  }
  pgstore::PostgresStoreOptions options;
  options.max_connections = 1;
  auto store = open_postgres(*location.database_url, clock, options);
  if (!store) {
    return Unexpected{store.error()};
  }
  auto oauth = pgstore::PostgresOAuthStore::open(*location.database_url, 1);
  if (!oauth) {
    return Unexpected{oauth.error()};
  }
  return OpenedStore{std::move(store).value(),
                     std::move(oauth).value(),
                     {},
                     postgres_description(*location.database_url)};
}

Result<MigrationOutcome> migrate_store(const StoreLocation& location) {
  try {
    if (location.database_url) {
      if (auto checked = pgstore::check_database_url("the database URL", *location.database_url);
          !checked) {
        return Unexpected{checked.error()};
      }
      const auto connection = pgstore::PgConnection::connect(*location.database_url);
      auto migrated = pgstore::migrate_postgres_schema(*connection);
      if (!migrated) {
        return Unexpected{migrated.error()};
      }
      return MigrationOutcome{postgres_description(*location.database_url), migrated->from_version,
                              migrated->to_version};
    }
    if (auto made = auth::ensure_data_dir(location.data_dir); !made) {
      return Unexpected{made.error()};
    }
    const auto file = auth::database_file(location.data_dir);
    auto database = auth::SqliteDatabase::open(file);
    if (!database) {
      return Unexpected{database.error()};
    }
    auto lock = (*database)->lock();
    const int before = auth::user_store_schema_version(lock);
    if (auto migrated = auth::migrate_user_store(lock); !migrated) {
      return Unexpected{migrated.error()};
    }
    return MigrationOutcome{"SQLite " + file.string(), before,
                            auth::user_store_schema_version(lock)};
  } catch (const auth::StoreError& error) {
    return Unexpected{make_error(ErrorCode::kIo, error.what())};
  }
}

}  // namespace bmcp::app
