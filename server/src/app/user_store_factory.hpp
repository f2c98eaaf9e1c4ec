#pragma once

#include <filesystem>
#include <memory>
#include <optional>
#include <string>

#include "auth/oauth_store.hpp"
#include "auth/user_store.hpp"
#include "core/clock.hpp"
#include "core/result.hpp"

namespace bmcp::app {

// Where users, refresh tokens and the signing key are kept (docs/user-store.md): in PostgreSQL
// when database_url is set (--database-url / BLENDER_MCP_DATABASE_URL), else in the SQLite
// file and the key file of data_dir.
struct StoreLocation {
  std::optional<std::string> database_url;
  std::filesystem::path data_dir;  // used only without database_url
};

struct OpenedStore {
  std::unique_ptr<auth::UserStore> users;
  // The OAuth clients, codes and refresh-token families, in the same place as the users;
  // on the users' connection in SQLite.
  std::unique_ptr<auth::OAuthStore> oauth;
  std::string signing_key;  // filled by open_server_store only
  std::string description;  // for logs: the file, or the URL without its password
};

// For `serve`: opens the store (migrating its schema), and the signing key: `configured` when
// set, else the data dir's key file, or in PostgreSQL the key every node shares (created by the
// first node). The per-request user check is cached (UserPresenceCache): in PostgreSQL a
// removal is seen within kPresenceCacheTtl on every node; in SQLite on the next request, since
// any commit to the file drops the cache (SqliteUserStore). Errors: kIo, kFailedPrecondition
// (a schema newer than this program).
Result<OpenedStore> open_server_store(const StoreLocation& location,
                                      const std::optional<std::string>& configured_key,
                                      const Clock& clock);

// For the `user` commands: the store alone, no cache (creates the data dir when missing).
Result<OpenedStore> open_command_store(const StoreLocation& location, const Clock& clock);

struct MigrationOutcome {
  std::string description;
  int from_version = 0;
  int to_version = 0;
};

// `blender-mcp db migrate`: brings the store's schema up to date and says from which version.
Result<MigrationOutcome> migrate_store(const StoreLocation& location);

inline constexpr std::chrono::milliseconds kPresenceCacheTtl{3000};

}  // namespace bmcp::app
