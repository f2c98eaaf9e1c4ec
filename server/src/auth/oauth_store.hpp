#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/result.hpp"

namespace bmcp::auth {

// A client registered with Dynamic Client Registration (RFC 7591). Every client is public
// (token_endpoint_auth_method "none"): it proves itself with PKCE, not with a secret.
struct OAuthClient {
  std::string client_id;
  std::string client_name;
  std::vector<std::string> redirect_uris;
  std::string registered_from;  // the client address that registered it
  std::int64_t registered_at = 0;

  friend bool operator==(const OAuthClient&, const OAuthClient&) = default;
};

// What a person granted a client: the account, the scopes and the resource (RFC 8707). An
// authorization code carries it to /token, a refresh-token family carries it afterwards.
struct OAuthGrant {
  std::string family_id;  // the refresh-token family the code's tokens start
  std::string client_id;
  std::string username;
  std::string uid;  // the account (UserRecord::uid)
  std::vector<std::string> scopes;
  std::string resource;

  friend bool operator==(const OAuthGrant&, const OAuthGrant&) = default;
};

// An authorization code between /authorize and /token. Stored by its digest only.
struct AuthorizationCode {
  std::string code_digest;
  OAuthGrant grant;
  std::string redirect_uri;
  std::string code_challenge;  // PKCE S256
  std::int64_t expires_at = 0;
};

enum class CodeUse {
  kTaken,    // first use within its lifetime: the code is now spent
  kReused,   // spent before: a replay, whose family the caller revokes
  kInvalid,  // unknown or expired
};

struct CodeOutcome {
  CodeUse use = CodeUse::kInvalid;
  std::optional<AuthorizationCode> code;  // for kTaken and kReused
};

enum class RefreshUse {
  kRotated,   // first use: the token is now rotated, the caller issues the next one
  kGrace,     // the one extra use allowed within the grace window after rotation
  kReplayed,  // used again after that: the family is now revoked
  kInvalid,   // unknown, expired, or its family revoked
};

struct RefreshOutcome {
  RefreshUse use = RefreshUse::kInvalid;
  std::optional<OAuthGrant> grant;  // for kRotated and kGrace
};

// Registered clients, authorization codes and refresh-token families of the OAuth
// authorization server (docs/authorization.md), wherever they are kept: next to the users in
// the SQLite file (SqliteOAuthStore) or in the PostgreSQL database several nodes share
// (pgstore::PostgresOAuthStore). Codes and refresh tokens are kept by digest only.
// Every "at most one" below holds across processes and nodes: each is one conditional update.
// Thread safety: every method may be called from any thread.
// Errors: expected outcomes come back as values; failures throw StoreError
// (StoreUnavailable when the database cannot be reached now).
class OAuthStore {
 public:
  virtual ~OAuthStore() = default;

  // kAlreadyExists for a client_id seen before.
  virtual Status add_client(const OAuthClient& client) = 0;
  virtual std::optional<OAuthClient> find_client(std::string_view client_id) = 0;
  // How many clients `address` registered at or after `since` (the per-address bound).
  virtual std::int64_t clients_registered_since(std::string_view address, std::int64_t since) = 0;

  // kAlreadyExists for a digest seen before.
  virtual Status add_code(const AuthorizationCode& code) = 0;
  // Spends the code. Of concurrent calls for one code at most one gets kTaken.
  virtual CodeOutcome take_code(std::string_view code_digest, std::int64_t now) = 0;

  // Starts a family (kAlreadyExists for a family_id seen before).
  virtual Status add_family(const OAuthGrant& grant, std::int64_t now) = 0;
  // Records a refresh token of a family.
  virtual Status add_refresh(std::string_view token_digest, std::string_view family_id,
                             std::int64_t expires_at) = 0;
  // Uses a refresh token: kRotated the first time; kGrace once more within `grace_seconds`
  // after that; any later use revokes the family (kReplayed). Of concurrent calls for one
  // token at most one gets kRotated and at most one kGrace.
  virtual RefreshOutcome use_refresh(std::string_view token_digest, std::int64_t now,
                                     std::int64_t grace_seconds) = 0;
  // The grant of the family a refresh token belongs to, whether the token was rotated or not
  // (RFC 7009 revocation); nullopt when unknown or revoked.
  virtual std::optional<OAuthGrant> family_of(std::string_view token_digest) = 0;
  virtual void revoke_family(std::string_view family_id) = 0;
  // Revokes every family of the user: its password changed (`user passwd`), so every grant it
  // made ends, as its /auth/login refresh tokens do.
  virtual void revoke_user(std::string_view username) = 0;
  // Deletes expired codes and refresh tokens, and families left without tokens; returns how
  // many rows went.
  virtual int purge_expired(std::int64_t now) = 0;
};

}  // namespace bmcp::auth
