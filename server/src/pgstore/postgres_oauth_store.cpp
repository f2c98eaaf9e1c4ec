#include "pgstore/postgres_oauth_store.hpp"

#include "auth/string_array_text.hpp"
#include "pgstore/postgres_schema.hpp"

namespace bmcp::pgstore {

namespace {

using auth::AuthorizationCode;
using auth::CodeOutcome;
using auth::CodeUse;
using auth::OAuthClient;
using auth::OAuthGrant;
using auth::RefreshOutcome;
using auth::RefreshUse;
using Retry = PgPool::Retry;

std::vector<std::string> string_array(const std::string& text) {
  auto items = auth::parse_string_array_text(text);
  if (!items) {
    throw auth::StoreError("oauth store: corrupt string array: " + text);
  }
  return std::move(*items);
}

Error already_exists(std::string_view what) {
  return make_error(ErrorCode::kAlreadyExists, std::string(what) + " already exists");
}

constexpr std::string_view kCodeColumns =
    "code_digest, family_id, client_id, username, uid, scopes::text, resource, redirect_uri, "
    "code_challenge, expires_at";

AuthorizationCode read_code(const PgResult& rows) {
  AuthorizationCode code;
  code.code_digest = rows.text(0, 0);
  code.grant = OAuthGrant{rows.text(0, 1),
                          rows.text(0, 2),
                          rows.text(0, 3),
                          rows.text(0, 4),
                          string_array(rows.text(0, 5)),
                          rows.text(0, 6)};
  code.redirect_uri = rows.text(0, 7);
  code.code_challenge = rows.text(0, 8);
  code.expires_at = rows.int64(0, 9);
  return code;
}

std::optional<OAuthGrant> live_family(PgConnection& connection, const std::string& family_id) {
  const auto rows = connection.exec(
      "SELECT family_id, client_id, username, uid, scopes::text, resource FROM oauth_families "
      "WHERE family_id = $1 AND revoked_at IS NULL",
      {pg_param(family_id)});
  if (rows.rows() == 0) {
    return std::nullopt;
  }
  return OAuthGrant{rows.text(0, 0),
                    rows.text(0, 1),
                    rows.text(0, 2),
                    rows.text(0, 3),
                    string_array(rows.text(0, 4)),
                    rows.text(0, 5)};
}

constexpr std::string_view kFamilyLive =
    "EXISTS (SELECT 1 FROM oauth_families f WHERE f.family_id = oauth_refresh_tokens.family_id "
    "AND f.revoked_at IS NULL)";

}  // namespace

Result<std::unique_ptr<PostgresOAuthStore>> PostgresOAuthStore::open(const std::string& url,
                                                                     std::size_t max_connections) {
  auto store = std::unique_ptr<PostgresOAuthStore>(new PostgresOAuthStore(url, max_connections));
  try {
    auto migrated = store->pool_.run(Retry::kNever, [](PgConnection& connection) {
      return migrate_postgres_schema(connection);
    });
    if (!migrated) {
      return Unexpected{migrated.error()};
    }
  } catch (const auth::StoreError& error) {
    return Unexpected{make_error(ErrorCode::kIo, error.what())};
  }
  return store;
}

Status PostgresOAuthStore::add_client(const OAuthClient& client) {
  const int added = pool_.run(Retry::kNever, [&](PgConnection& connection) {
    return connection
        .exec(
            "INSERT INTO oauth_clients (client_id, client_name, redirect_uris, registered_from, "
            "registered_at) VALUES ($1, $2, $3::jsonb, $4, $5) ON CONFLICT (client_id) DO NOTHING",
            {pg_param(client.client_id), pg_param(client.client_name),
             pg_param(auth::to_string_array_text(client.redirect_uris)),
             pg_param(client.registered_from), pg_param(client.registered_at)})
        .affected();
  });
  if (added == 0) {
    return Unexpected{already_exists("client " + client.client_id)};
  }
  return {};
}

std::optional<OAuthClient> PostgresOAuthStore::find_client(std::string_view client_id) {
  return pool_.run(Retry::kOnceIfLost, [&](PgConnection& connection) -> std::optional<OAuthClient> {
    const auto rows = connection.exec(
        "SELECT client_id, client_name, redirect_uris::text, registered_from, registered_at "
        "FROM oauth_clients WHERE client_id = $1",
        {pg_param(client_id)});
    if (rows.rows() == 0) {
      return std::nullopt;
    }
    return OAuthClient{rows.text(0, 0), rows.text(0, 1), string_array(rows.text(0, 2)),
                       rows.text(0, 3), rows.int64(0, 4)};
  });
}

std::int64_t PostgresOAuthStore::clients_registered_since(std::string_view address,
                                                          std::int64_t since) {
  return pool_.run(Retry::kOnceIfLost, [&](PgConnection& connection) {
    return connection
        .exec(
            "SELECT COUNT(*) FROM oauth_clients WHERE registered_from = $1 AND "
            "registered_at >= $2",
            {pg_param(address), pg_param(since)})
        .int64(0, 0);
  });
}

Status PostgresOAuthStore::add_code(const AuthorizationCode& code) {
  const int added = pool_.run(Retry::kNever, [&](PgConnection& connection) {
    return connection
        .exec(
            "INSERT INTO oauth_codes (code_digest, family_id, client_id, username, uid, scopes, "
            "resource, redirect_uri, code_challenge, expires_at) VALUES ($1, $2, $3, $4, $5, "
            "$6::jsonb, $7, $8, $9, $10) "
            "ON CONFLICT (code_digest) DO NOTHING",
            {pg_param(code.code_digest), pg_param(code.grant.family_id),
             pg_param(code.grant.client_id), pg_param(code.grant.username),
             pg_param(code.grant.uid), pg_param(auth::to_string_array_text(code.grant.scopes)),
             pg_param(code.grant.resource), pg_param(code.redirect_uri),
             pg_param(code.code_challenge), pg_param(code.expires_at)})
        .affected();
  });
  if (added == 0) {
    return Unexpected{already_exists("authorization code")};
  }
  return {};
}

CodeOutcome PostgresOAuthStore::take_code(std::string_view code_digest, std::int64_t now) {
  return pool_.run(Retry::kNever, [&](PgConnection& connection) -> CodeOutcome {
    const auto taken = connection.exec(
        "UPDATE oauth_codes SET used_at = $2 WHERE code_digest = $1 AND used_at IS NULL AND "
        "expires_at > $2 RETURNING " +
            std::string(kCodeColumns),
        {pg_param(code_digest), pg_param(now)});
    if (taken.rows() == 1) {
      return CodeOutcome{CodeUse::kTaken, read_code(taken)};
    }
    const auto used = connection.exec("SELECT " + std::string(kCodeColumns) +
                                          " FROM oauth_codes WHERE code_digest = $1 AND "
                                          "used_at IS NOT NULL",
                                      {pg_param(code_digest)});
    if (used.rows() == 1) {
      return CodeOutcome{CodeUse::kReused, read_code(used)};
    }
    return {};
  });
}

Status PostgresOAuthStore::add_family(const OAuthGrant& grant, std::int64_t now) {
  const int added = pool_.run(Retry::kNever, [&](PgConnection& connection) {
    return connection
        .exec(
            "INSERT INTO oauth_families (family_id, client_id, username, uid, scopes, resource, "
            "created_at) VALUES ($1, $2, $3, $4, $5::jsonb, $6, $7) "
            "ON CONFLICT (family_id) DO NOTHING",
            {pg_param(grant.family_id), pg_param(grant.client_id), pg_param(grant.username),
             pg_param(grant.uid), pg_param(auth::to_string_array_text(grant.scopes)),
             pg_param(grant.resource), pg_param(now)})
        .affected();
  });
  if (added == 0) {
    return Unexpected{already_exists("token family")};
  }
  return {};
}

Status PostgresOAuthStore::add_refresh(std::string_view token_digest, std::string_view family_id,
                                       std::int64_t expires_at) {
  const int added = pool_.run(Retry::kNever, [&](PgConnection& connection) {
    return connection
        .exec(
            "INSERT INTO oauth_refresh_tokens (token_digest, family_id, expires_at) "
            "VALUES ($1, $2, $3) ON CONFLICT (token_digest) DO NOTHING",
            {pg_param(token_digest), pg_param(family_id), pg_param(expires_at)})
        .affected();
  });
  if (added == 0) {
    return Unexpected{already_exists("refresh token")};
  }
  return {};
}

RefreshOutcome PostgresOAuthStore::use_refresh(std::string_view token_digest, std::int64_t now,
                                               std::int64_t grace_seconds) {
  return pool_.run(Retry::kNever, [&](PgConnection& connection) -> RefreshOutcome {
    const auto rotated = connection.exec(
        "UPDATE oauth_refresh_tokens SET rotated_at = $2 WHERE token_digest = $1 AND "
        "rotated_at IS NULL AND expires_at > $2 AND " +
            std::string(kFamilyLive) + " RETURNING family_id",
        {pg_param(token_digest), pg_param(now)});
    if (rotated.rows() == 1) {
      return RefreshOutcome{RefreshUse::kRotated, live_family(connection, rotated.text(0, 0))};
    }
    const auto grace = connection.exec(
        "UPDATE oauth_refresh_tokens SET grace_used = TRUE WHERE token_digest = $1 AND "
        "rotated_at IS NOT NULL AND NOT grace_used AND rotated_at >= $3 AND expires_at > $2 "
        "AND " +
            std::string(kFamilyLive) + " RETURNING family_id",
        {pg_param(token_digest), pg_param(now), pg_param(now - grace_seconds)});
    if (grace.rows() == 1) {
      return RefreshOutcome{RefreshUse::kGrace, live_family(connection, grace.text(0, 0))};
    }
    const auto replayed = connection.exec(
        "UPDATE oauth_families SET revoked_at = $2 WHERE revoked_at IS NULL AND family_id = "
        "(SELECT family_id FROM oauth_refresh_tokens WHERE token_digest = $1 AND expires_at > $2)",
        {pg_param(token_digest), pg_param(now)});
    if (replayed.affected() == 1) {
      return RefreshOutcome{RefreshUse::kReplayed, std::nullopt};
    }
    return {};
  });
}

std::optional<OAuthGrant> PostgresOAuthStore::family_of(std::string_view token_digest) {
  return pool_.run(Retry::kOnceIfLost, [&](PgConnection& connection) -> std::optional<OAuthGrant> {
    const auto rows =
        connection.exec("SELECT family_id FROM oauth_refresh_tokens WHERE token_digest = $1",
                        {pg_param(token_digest)});
    if (rows.rows() == 0) {
      return std::nullopt;
    }
    return live_family(connection, rows.text(0, 0));
  });
}

void PostgresOAuthStore::revoke_family(std::string_view family_id) {
  pool_.run(Retry::kOnceIfLost, [&](PgConnection& connection) {
    connection.exec(
        "UPDATE oauth_families SET revoked_at = EXTRACT(EPOCH FROM now())::BIGINT "
        "WHERE family_id = $1 AND revoked_at IS NULL",
        {pg_param(family_id)});
    return 0;
  });
}

void PostgresOAuthStore::revoke_user(std::string_view username) {
  pool_.run(Retry::kOnceIfLost, [&](PgConnection& connection) {
    connection.exec(
        "UPDATE oauth_families SET revoked_at = EXTRACT(EPOCH FROM now())::BIGINT "
        "WHERE username = $1 AND revoked_at IS NULL",
        {pg_param(username)});
    return 0;
  });
}

int PostgresOAuthStore::purge_expired(std::int64_t now) {
  return pool_.run(Retry::kNever, [&](PgConnection& connection) {
    int purged = connection.exec("DELETE FROM oauth_codes WHERE expires_at <= $1", {pg_param(now)})
                     .affected();
    purged +=
        connection.exec("DELETE FROM oauth_refresh_tokens WHERE expires_at <= $1", {pg_param(now)})
            .affected();
    purged += connection
                  .exec(
                      "DELETE FROM oauth_families f WHERE NOT EXISTS (SELECT 1 FROM "
                      "oauth_refresh_tokens t WHERE t.family_id = f.family_id) AND NOT EXISTS "
                      "(SELECT 1 FROM oauth_codes c WHERE c.family_id = f.family_id)")
                  .affected();
    return purged;
  });
}

}  // namespace bmcp::pgstore
