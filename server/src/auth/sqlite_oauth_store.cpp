#include "auth/sqlite_oauth_store.hpp"

#include "auth/string_array_text.hpp"
#include "auth/user_store_schema.hpp"

namespace bmcp::auth {

namespace {

std::vector<std::string> from_json_array(const std::string& text) {
  auto items = parse_string_array_text(text);
  if (!items) {
    throw SqliteError("oauth store: corrupt string array: " + text);
  }
  return std::move(*items);
}

Error already_exists(std::string_view what) {
  return make_error(ErrorCode::kAlreadyExists, std::string(what) + " already exists");
}

// The columns read_code() reads, in its order.
constexpr std::string_view kCodeColumns =
    "code_digest, family_id, client_id, username, uid, scopes, resource, redirect_uri, "
    "code_challenge, expires_at";

AuthorizationCode read_code(const SqliteStatement& row) {
  AuthorizationCode code;
  code.code_digest = row.column_text(0);
  code.grant = OAuthGrant{row.column_text(1),
                          row.column_text(2),
                          row.column_text(3),
                          row.column_text(4),
                          from_json_array(row.column_text(5)),
                          row.column_text(6)};
  code.redirect_uri = row.column_text(7);
  code.code_challenge = row.column_text(8);
  code.expires_at = row.column_int(9);
  return code;
}

std::optional<OAuthGrant> family_locked(SqliteDatabase::Lock& db, std::string_view family_id) {
  auto select = db.prepare(
      "SELECT family_id, client_id, username, uid, scopes, resource FROM oauth_families "
      "WHERE family_id = ? AND revoked_at IS NULL");
  select.bind(1, family_id);
  if (!select.step()) {
    return std::nullopt;
  }
  return OAuthGrant{select.column_text(0),
                    select.column_text(1),
                    select.column_text(2),
                    select.column_text(3),
                    from_json_array(select.column_text(4)),
                    select.column_text(5)};
}

// A refresh token's family, if the token is recorded and not expired.
std::optional<std::string> token_family_locked(SqliteDatabase::Lock& db,
                                               std::string_view token_digest, std::int64_t now) {
  auto select = db.prepare(
      "SELECT family_id FROM oauth_refresh_tokens WHERE token_digest = ? AND "
      "expires_at > ?");
  select.bind(1, token_digest).bind(2, now);
  if (!select.step()) {
    return std::nullopt;
  }
  return select.column_text(0);
}

// The condition that a token's family is still valid.
constexpr std::string_view kFamilyLive =
    "EXISTS (SELECT 1 FROM oauth_families f WHERE f.family_id = oauth_refresh_tokens.family_id "
    "AND f.revoked_at IS NULL)";

}  // namespace

Result<std::unique_ptr<SqliteOAuthStore>> SqliteOAuthStore::open(
    const std::filesystem::path& db_file) {
  auto database = open_user_store_file(db_file);
  if (!database)
    return Unexpected{database.error()};
  return std::make_unique<SqliteOAuthStore>(
      std::shared_ptr<SqliteDatabase>(std::move(database).value()));
}

Status SqliteOAuthStore::add_client(const OAuthClient& client) {
  auto db = database_->lock();
  db.prepare(
        "INSERT INTO oauth_clients (client_id, client_name, redirect_uris, registered_from, "
        "registered_at) VALUES (?, ?, ?, ?, ?) ON CONFLICT (client_id) DO NOTHING")
      .bind(1, client.client_id)
      .bind(2, client.client_name)
      .bind(3, to_string_array_text(client.redirect_uris))
      .bind(4, client.registered_from)
      .bind(5, client.registered_at)
      .run();
  if (db.changes() == 0) {
    return Unexpected{already_exists("client " + client.client_id)};
  }
  return {};
}

std::optional<OAuthClient> SqliteOAuthStore::find_client(std::string_view client_id) {
  auto db = database_->lock();
  auto select = db.prepare(
      "SELECT client_id, client_name, redirect_uris, registered_from, registered_at "
      "FROM oauth_clients WHERE client_id = ?");
  select.bind(1, client_id);
  if (!select.step()) {
    return std::nullopt;
  }
  return OAuthClient{select.column_text(0), select.column_text(1),
                     from_json_array(select.column_text(2)), select.column_text(3),
                     select.column_int(4)};
}

std::int64_t SqliteOAuthStore::clients_registered_since(std::string_view address,
                                                        std::int64_t since) {
  auto db = database_->lock();
  auto select = db.prepare(
      "SELECT COUNT(*) FROM oauth_clients WHERE registered_from = ? AND registered_at >= ?");
  select.bind(1, address).bind(2, since);
  return select.step() ? select.column_int(0) : 0;
}

Status SqliteOAuthStore::add_code(const AuthorizationCode& code) {
  auto db = database_->lock();
  db.prepare("INSERT INTO oauth_codes (" + std::string(kCodeColumns) +
             ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (code_digest) DO NOTHING")
      .bind(1, code.code_digest)
      .bind(2, code.grant.family_id)
      .bind(3, code.grant.client_id)
      .bind(4, code.grant.username)
      .bind(5, code.grant.uid)
      .bind(6, to_string_array_text(code.grant.scopes))
      .bind(7, code.grant.resource)
      .bind(8, code.redirect_uri)
      .bind(9, code.code_challenge)
      .bind(10, code.expires_at)
      .run();
  if (db.changes() == 0) {
    return Unexpected{already_exists("authorization code")};
  }
  return {};
}

CodeOutcome SqliteOAuthStore::take_code(std::string_view code_digest, std::int64_t now) {
  auto db = database_->lock();
  db.prepare(
        "UPDATE oauth_codes SET used_at = ? WHERE code_digest = ? AND used_at IS NULL AND "
        "expires_at > ?")
      .bind(1, now)
      .bind(2, code_digest)
      .bind(3, now)
      .run();
  const bool taken = db.changes() == 1;
  auto select = db.prepare("SELECT " + std::string(kCodeColumns) +
                           ", used_at IS NOT NULL FROM oauth_codes WHERE code_digest = ?");
  select.bind(1, code_digest);
  if (!select.step()) {
    return {};
  }
  if (taken) {
    return CodeOutcome{CodeUse::kTaken, read_code(select)};
  }
  if (select.column_int(10) != 0) {
    return CodeOutcome{CodeUse::kReused, read_code(select)};
  }
  return {};  // expired, never used
}

Status SqliteOAuthStore::add_family(const OAuthGrant& grant, std::int64_t now) {
  auto db = database_->lock();
  db.prepare(
        "INSERT INTO oauth_families (family_id, client_id, username, uid, scopes, resource, "
        "created_at) VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT (family_id) DO NOTHING")
      .bind(1, grant.family_id)
      .bind(2, grant.client_id)
      .bind(3, grant.username)
      .bind(4, grant.uid)
      .bind(5, to_string_array_text(grant.scopes))
      .bind(6, grant.resource)
      .bind(7, now)
      .run();
  if (db.changes() == 0) {
    return Unexpected{already_exists("token family")};
  }
  return {};
}

Status SqliteOAuthStore::add_refresh(std::string_view token_digest, std::string_view family_id,
                                     std::int64_t expires_at) {
  auto db = database_->lock();
  db.prepare(
        "INSERT INTO oauth_refresh_tokens (token_digest, family_id, expires_at) VALUES (?, ?, ?) "
        "ON CONFLICT (token_digest) DO NOTHING")
      .bind(1, token_digest)
      .bind(2, family_id)
      .bind(3, expires_at)
      .run();
  if (db.changes() == 0) {
    return Unexpected{already_exists("refresh token")};
  }
  return {};
}

RefreshOutcome SqliteOAuthStore::use_refresh(std::string_view token_digest, std::int64_t now,
                                             std::int64_t grace_seconds) {
  auto db = database_->lock();
  const auto family = token_family_locked(db, token_digest, now);
  if (!family) {
    return {};
  }
  db.prepare(
        "UPDATE oauth_refresh_tokens SET rotated_at = ? WHERE token_digest = ? AND "
        "rotated_at IS NULL AND " +
        std::string(kFamilyLive))
      .bind(1, now)
      .bind(2, token_digest)
      .run();
  if (db.changes() == 1) {
    return RefreshOutcome{RefreshUse::kRotated, family_locked(db, *family)};
  }
  db.prepare(
        "UPDATE oauth_refresh_tokens SET grace_used = 1 WHERE token_digest = ? AND "
        "rotated_at IS NOT NULL AND grace_used = 0 AND rotated_at >= ? AND " +
        std::string(kFamilyLive))
      .bind(1, token_digest)
      .bind(2, now - grace_seconds)
      .run();
  if (db.changes() == 1) {
    return RefreshOutcome{RefreshUse::kGrace, family_locked(db, *family)};
  }
  if (!family_locked(db, *family)) {
    return {};  // revoked before
  }
  db.prepare("UPDATE oauth_families SET revoked_at = ? WHERE family_id = ? AND revoked_at IS NULL")
      .bind(1, now)
      .bind(2, *family)
      .run();
  return RefreshOutcome{RefreshUse::kReplayed, std::nullopt};
}

std::optional<OAuthGrant> SqliteOAuthStore::family_of(std::string_view token_digest) {
  auto db = database_->lock();
  auto select = db.prepare("SELECT family_id FROM oauth_refresh_tokens WHERE token_digest = ?");
  select.bind(1, token_digest);
  if (!select.step()) {
    return std::nullopt;
  }
  const auto family = select.column_text(0);
  return family_locked(db, family);
}

void SqliteOAuthStore::revoke_family(std::string_view family_id) {
  auto db = database_->lock();
  db.prepare(
        "UPDATE oauth_families SET revoked_at = strftime('%s', 'now') WHERE family_id = ? AND "
        "revoked_at IS NULL")
      .bind(1, family_id)
      .run();
}

void SqliteOAuthStore::revoke_user(std::string_view username) {
  auto db = database_->lock();
  db.prepare(
        "UPDATE oauth_families SET revoked_at = strftime('%s', 'now') WHERE username = ? AND "
        "revoked_at IS NULL")
      .bind(1, username)
      .run();
}

int SqliteOAuthStore::purge_expired(std::int64_t now) {
  auto db = database_->lock();
  int purged = 0;
  db.prepare("DELETE FROM oauth_codes WHERE expires_at <= ?").bind(1, now).run();
  purged += db.changes();
  db.prepare("DELETE FROM oauth_refresh_tokens WHERE expires_at <= ?").bind(1, now).run();
  purged += db.changes();
  db.exec(
      "DELETE FROM oauth_families WHERE NOT EXISTS (SELECT 1 FROM oauth_refresh_tokens t WHERE "
      "t.family_id = oauth_families.family_id) AND NOT EXISTS (SELECT 1 FROM oauth_codes c "
      "WHERE c.family_id = oauth_families.family_id)");
  purged += db.changes();
  return purged;
}

}  // namespace bmcp::auth
