#include "pgstore/postgres_user_store.hpp"

#include <spdlog/spdlog.h>

#include "auth/signing_key.hpp"
#include "auth/string_array_text.hpp"
#include "pgstore/postgres_schema.hpp"

namespace bmcp::pgstore {

namespace {

using auth::UserRecord;
using Retry = PgPool::Retry;

// The columns read_user() reads, in its order.
constexpr std::string_view kUserColumns =
    "username, uid, password_hash, roles::text, scopes::text, created_at, updated_at";

std::vector<std::string> string_array(const std::string& text) {
  auto items = auth::parse_string_array_text(text);
  if (!items) {
    throw auth::StoreError("user store: corrupt string array: " + text);
  }
  return std::move(*items);
}

UserRecord read_user(const PgResult& rows, int row) {
  UserRecord user{rows.text(row, 0),
                  rows.text(row, 2),
                  string_array(rows.text(row, 3)),
                  string_array(rows.text(row, 4)),
                  rows.real(row, 5),
                  rows.real(row, 6)};
  user.uid = rows.text(row, 1);
  return user;
}

std::string select_users(std::string_view where_and_order) {
  return "SELECT " + std::string(kUserColumns) + " FROM users " + std::string(where_and_order);
}

Error not_found(std::string_view username) {
  return make_error(ErrorCode::kNotFound, "no user named '" + std::string(username) + "'");
}

// Runs `work` between BEGIN and COMMIT; any exception rolls back (when the connection still
// works) and propagates.
template <class Work>
auto in_transaction(PgConnection& connection, Work&& work) {
  connection.exec("BEGIN");
  try {
    auto outcome = work();
    if (outcome.ok()) {
      connection.exec("COMMIT");
    } else {
      connection.exec("ROLLBACK");
    }
    return outcome;
  } catch (...) {
    connection.rollback_after_failure();
    throw;
  }
}

// Turns a connection failure at open() into the Result open() promises.
Error open_error(const auth::StoreError& error) {
  return make_error(ErrorCode::kIo, error.what());
}

}  // namespace

PostgresUserStore::PostgresUserStore(const std::string& url, const Clock& clock,
                                     PostgresStoreOptions options)
    : clock_(clock), pool_(url, options.max_connections) {
  if (options.presence_cache_ttl) {
    presence_ = std::make_unique<auth::UserPresenceCache>(clock, *options.presence_cache_ttl);
  }
}

PostgresUserStore::~PostgresUserStore() {
  listener_.reset();  // stops its thread before the cache it feeds goes away
}

Result<std::unique_ptr<PostgresUserStore>> PostgresUserStore::open(const std::string& url,
                                                                   const Clock& clock,
                                                                   PostgresStoreOptions options) {
  auto store = std::unique_ptr<PostgresUserStore>(new PostgresUserStore(url, clock, options));
  try {
    auto migrated = store->pool_.run(Retry::kNever, [](PgConnection& connection) {
      return migrate_postgres_schema(connection);
    });
    if (!migrated) {
      return Unexpected{migrated.error()};
    }
  } catch (const auth::StoreError& error) {
    return Unexpected{open_error(error)};
  }
  if (store->presence_) {
    auth::UserPresenceCache& presence = *store->presence_;
    std::atomic<bool>& listening = store->listening_;
    std::atomic<std::uint64_t>& heard = store->changes_heard_;
    store->listener_ = std::make_unique<UserChangeListener>(
        url, UserChangeListener::Callbacks{[&presence, &listening] {
                                             presence.enable();
                                             listening = true;
                                           },
                                           [&presence, &heard](const std::string& username) {
                                             presence.forget(username);
                                             ++heard;
                                           },
                                           [&presence, &listening] {
                                             listening = false;
                                             presence.disable();
                                           }});
  }
  return store;
}

Result<UserRecord> PostgresUserStore::find(std::string_view username) {
  auto user = pool_.run(Retry::kOnceIfLost, [&](PgConnection& connection) {
    const auto rows = connection.exec(select_users("WHERE username = $1"), {pg_param(username)});
    return rows.rows() == 0 ? std::nullopt : std::optional<UserRecord>(read_user(rows, 0));
  });
  if (!user) {
    return Unexpected{not_found(username)};
  }
  return std::move(*user);
}

bool PostgresUserStore::exists_with_uid(std::string_view username, std::string_view uid) {
  if (uid.empty()) {
    return false;  // no account has an empty uid
  }
  std::uint64_t generation = 0;
  if (presence_) {
    if (const auto known = presence_->lookup(username)) {
      return *known == uid;
    }
    generation = presence_->generation();
  }
  // The name's current uid, not just a match, so that the cache can answer any token of it.
  std::string current = pool_.run(Retry::kOnceIfLost, [&](PgConnection& connection) {
    const auto rows =
        connection.exec("SELECT uid FROM users WHERE username = $1", {pg_param(username)});
    return rows.rows() == 0 ? std::string(auth::UserPresenceCache::kNoAccount) : rows.text(0, 0);
  });
  const bool matches = current == uid;
  if (presence_) {
    presence_->remember(std::string(username), std::move(current), generation);
  }
  return matches;
}

Status PostgresUserStore::add(const UserRecord& record) {
  const double now = clock_.unix_seconds();
  const int added = pool_.run(Retry::kNever, [&](PgConnection& connection) {
    return connection
        .exec(
            "INSERT INTO users (username, uid, password_hash, roles, scopes, created_at, "
            "updated_at) VALUES ($1, $2, $3, $4::jsonb, $5::jsonb, $6, $6) "
            "ON CONFLICT (username) DO NOTHING",
            {pg_param(record.username), pg_param(auth::new_user_uid()),
             pg_param(record.password_hash), pg_param(auth::to_string_array_text(record.roles)),
             pg_param(auth::to_string_array_text(record.scopes)), pg_param(now)})
        .affected();
  });
  if (presence_) {
    presence_->forget(record.username);
  }
  if (added == 0) {
    return Unexpected{
        make_error(ErrorCode::kAlreadyExists, "user '" + record.username + "' already exists")};
  }
  return {};
}

Status PostgresUserStore::set_password(std::string_view username, std::string_view password_hash) {
  const double now = clock_.unix_seconds();
  const int changed = pool_.run(Retry::kNever, [&](PgConnection& connection) {
    return connection
        .exec("UPDATE users SET password_hash = $1, updated_at = $2 WHERE username = $3",
              {pg_param(password_hash), pg_param(now), pg_param(username)})
        .affected();
  });
  if (changed == 0) {
    return Unexpected{not_found(username)};
  }
  return {};
}

Status PostgresUserStore::set_roles_and_scopes(std::string_view username,
                                               const std::vector<std::string>& roles,
                                               const std::vector<std::string>& scopes) {
  const double now = clock_.unix_seconds();
  const int changed = pool_.run(Retry::kNever, [&](PgConnection& connection) {
    return connection
        .exec(
            "UPDATE users SET roles = $1::jsonb, scopes = $2::jsonb, updated_at = $3 "
            "WHERE username = $4",
            {pg_param(auth::to_string_array_text(roles)),
             pg_param(auth::to_string_array_text(scopes)), pg_param(now), pg_param(username)})
        .affected();
  });
  if (changed == 0) {
    return Unexpected{not_found(username)};
  }
  return {};
}

Status PostgresUserStore::remove(std::string_view username, auth::RemovePolicy policy) {
  const double now = clock_.unix_seconds();
  Status removed = pool_.run(Retry::kNever, [&](PgConnection& connection) {
    return in_transaction(connection, [&]() -> Status {
      // Locking every admin row (in one order) makes two removals of the last two admins
      // wait for each other: the second then sees that only its own admin is left.
      const auto admins = connection.exec(
          "SELECT username FROM users WHERE roles ? 'admin' ORDER BY username FOR UPDATE");
      const auto user = connection.exec("SELECT roles ? 'admin' FROM users WHERE username = $1",
                                        {pg_param(username)});
      if (user.rows() == 0) {
        return Unexpected{not_found(username)};
      }
      if (policy == auth::RemovePolicy::kKeepLastAdmin && user.boolean(0, 0) &&
          admins.rows() <= 1) {
        return Unexpected{make_error(ErrorCode::kFailedPrecondition,
                                     "refusing to remove '" + std::string(username) +
                                         "': it is the last user with the role admin")};
      }
      connection.exec("DELETE FROM users WHERE username = $1", {pg_param(username)});
      connection.exec(
          "UPDATE refresh_tokens SET revoked_at = $1 WHERE username = $2 AND revoked_at IS NULL",
          {pg_param(now), pg_param(username)});
      return {};
    });
  });
  if (presence_) {
    presence_->forget(username);
  }
  return removed;
}

std::vector<UserRecord> PostgresUserStore::list() {
  return pool_.run(Retry::kOnceIfLost, [&](PgConnection& connection) {
    // COLLATE "C": byte order, as the SQLite store sorts.
    const auto rows = connection.exec(select_users("ORDER BY username COLLATE \"C\""));
    std::vector<UserRecord> users;
    users.reserve(static_cast<std::size_t>(rows.rows()));
    for (int row = 0; row < rows.rows(); ++row) {
      users.push_back(read_user(rows, row));
    }
    return users;
  });
}

bool PostgresUserStore::any_admin() {
  return pool_.run(Retry::kOnceIfLost, [](PgConnection& connection) {
    return connection.exec("SELECT EXISTS (SELECT 1 FROM users WHERE roles ? 'admin')")
        .boolean(0, 0);
  });
}

Status PostgresUserStore::record_refresh(std::string_view jti, std::string_view username,
                                         std::int64_t issued_at, std::int64_t expires_at) {
  const int recorded = pool_.run(Retry::kNever, [&](PgConnection& connection) {
    return connection
        .exec(
            "INSERT INTO refresh_tokens (jti, username, issued_at, expires_at) "
            "VALUES ($1, $2, $3, $4) ON CONFLICT (jti) DO NOTHING",
            {pg_param(jti), pg_param(username), pg_param(issued_at), pg_param(expires_at)})
        .affected();
  });
  if (recorded == 0) {
    return Unexpected{make_error(ErrorCode::kAlreadyExists, "refresh token id already recorded")};
  }
  return {};
}

bool PostgresUserStore::rotate_refresh(std::string_view jti, std::int64_t now) {
  const double rotated_at = clock_.unix_seconds();
  // One statement: a concurrent UPDATE of the same row waits for this one to commit and then
  // re-checks `rotated_at IS NULL` on the new row version, so exactly one of them matches.
  return pool_.run(Retry::kNever, [&](PgConnection& connection) {
    return connection
               .exec(
                   "UPDATE refresh_tokens SET rotated_at = $1 "
                   "WHERE jti = $2 AND rotated_at IS NULL AND revoked_at IS NULL "
                   "AND expires_at > $3 AND EXISTS (SELECT 1 FROM users "
                   "WHERE users.username = refresh_tokens.username) RETURNING jti",
                   {pg_param(rotated_at), pg_param(jti), pg_param(now)})
               .rows() == 1;
  });
}

void PostgresUserStore::revoke_refresh_tokens(std::string_view username) {
  const double now = clock_.unix_seconds();
  pool_.run(Retry::kNever, [&](PgConnection& connection) {
    connection.exec(
        "UPDATE refresh_tokens SET revoked_at = $1 WHERE username = $2 AND revoked_at IS NULL",
        {pg_param(now), pg_param(username)});
  });
}

int PostgresUserStore::purge_expired_refresh(std::int64_t now) {
  return pool_.run(Retry::kNever, [&](PgConnection& connection) {
    return connection.exec("DELETE FROM refresh_tokens WHERE expires_at <= $1", {pg_param(now)})
        .affected();
  });
}

std::string PostgresUserStore::shared_signing_key() {
  const double now = clock_.unix_seconds();
  const std::string candidate = auth::generate_signing_key();
  return pool_.run(Retry::kOnceIfLost, [&](PgConnection& connection) {
    const bool created = connection
                             .exec(
                                 "INSERT INTO signing_key (id, key, created_at) VALUES (1, $1, $2) "
                                 "ON CONFLICT (id) DO NOTHING",
                                 {pg_param(candidate), pg_param(now)})
                             .affected() == 1;
    if (created) {
      spdlog::info("generated a new JWT signing key, stored in PostgreSQL for every node");
    }
    const auto stored = connection.exec("SELECT key FROM signing_key WHERE id = 1");
    if (stored.rows() != 1 || stored.text(0, 0).empty()) {
      throw auth::StoreError("the signing_key table holds no key");
    }
    return stored.text(0, 0);
  });
}

}  // namespace bmcp::pgstore
