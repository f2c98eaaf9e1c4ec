#pragma once

#include <cstdint>
#include <filesystem>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "auth/sqlite_database.hpp"
#include "auth/user_record.hpp"
#include "core/clock.hpp"
#include "core/result.hpp"

namespace bmcp::auth {

enum class RemovePolicy {
  kAnyUser,
  kKeepLastAdmin,  // refuse to remove the only remaining user with the role `admin`
};

// Users and refresh-token records in one SQLite file (contract 3.4, 3.6). Several processes
// (the server and the user CLI) may use the file at once; every change is visible to the
// others on their next call, since no data is cached (only compiled statements are).
// Refresh tokens are recorded by jti only; the token string is never stored.
// Thread safety: every method may be called from any thread.
// Errors: expected outcomes come back as Status/Result codes; database failures throw
// SqliteError.
class UserStore {
 public:
  // Opens or creates the database and brings its schema up to date. Fails with kIo, or
  // kFailedPrecondition when the file was written by a newer schema.
  static Result<std::unique_ptr<UserStore>> open(const std::filesystem::path& db_file,
                                                 const Clock& clock);

  // kNotFound when there is no such user.
  Result<UserRecord> find(std::string_view username);
  // True when the user is in the store now and is the account `uid` was given to, i.e. it was
  // not removed and created again under the same name since. Cheaper than find() (one cached
  // statement, no row decoding); run on every authenticated request.
  bool exists_with_uid(std::string_view username, std::string_view uid);
  // Stores a new user with a new uid (new_user_uid(); record.uid is not used); created_at and
  // updated_at are taken from the clock. kAlreadyExists.
  Status add(const UserRecord& record);
  // kNotFound. Does not revoke refresh tokens (callers decide).
  Status set_password(std::string_view username, std::string_view password_hash);
  // kNotFound.
  Status set_roles_and_scopes(std::string_view username, const std::vector<std::string>& roles,
                              const std::vector<std::string>& scopes);
  // Deletes the user and revokes its refresh tokens in one transaction. kNotFound, or
  // kFailedPrecondition when the policy protects the last admin.
  Status remove(std::string_view username, RemovePolicy policy = RemovePolicy::kAnyUser);
  // Every user, ordered by username.
  std::vector<UserRecord> list();
  // True when some user holds the role `admin`.
  bool any_admin();

  // Records an issued refresh token. kAlreadyExists for a jti seen before.
  Status record_refresh(std::string_view jti, std::string_view username, std::int64_t issued_at,
                        std::int64_t expires_at);
  // Atomically marks the jti rotated, and returns true, only when it is recorded, not yet
  // rotated, not revoked, expires after `now` (Unix seconds) and its user still exists. Of
  // several concurrent calls for one jti, at most one returns true.
  bool rotate_refresh(std::string_view jti, std::int64_t now);
  // Revokes every refresh token of the user.
  void revoke_refresh_tokens(std::string_view username);
  // Deletes the records of refresh tokens that expire at or before `now`; returns how many.
  int purge_expired_refresh(std::int64_t now);

 private:
  UserStore(std::unique_ptr<SqliteDatabase> database, const Clock& clock)
      : database_(std::move(database)), clock_(clock) {}

  std::unique_ptr<SqliteDatabase> database_;
  const Clock& clock_;
};

}  // namespace bmcp::auth
