#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "auth/store_error.hpp"
#include "auth/user_record.hpp"
#include "core/result.hpp"

namespace bmcp::auth {

enum class RemovePolicy {
  kAnyUser,
  kKeepLastAdmin,  // refuse to remove the only remaining user with the role `admin`
};

// Users and refresh-token records (contract 3.4, 3.6), wherever they are kept: SqliteUserStore
// (one file, the default) or the PostgreSQL store shared by several nodes. The layers above
// see only this interface and behave the same on either.
// Several processes may use one store at once; a change is visible to every other user of the
// store on its next call (the PostgreSQL store may answer exists_with_uid() from a cache that is
// invalidated when users change; see its header for how soon).
// Refresh tokens are recorded by jti only; the token string is never stored.
// Thread safety: every method may be called from any thread.
// Errors: expected outcomes come back as Status/Result codes; failures throw StoreError
// (StoreUnavailable when the database cannot be reached now).
class UserStore {
 public:
  virtual ~UserStore() = default;

  // kNotFound when there is no such user.
  virtual Result<UserRecord> find(std::string_view username) = 0;
  // True when the user is in the store now and is the account `uid` was given to, i.e. it was
  // not removed and created again under the same name since. Cheaper than find() (no row
  // decoding); run on every authenticated request.
  virtual bool exists_with_uid(std::string_view username, std::string_view uid) = 0;
  // Stores a new user with a new uid (new_user_uid(); record.uid is not used); created_at and
  // updated_at are taken from the store's clock. kAlreadyExists.
  virtual Status add(const UserRecord& record) = 0;
  // kNotFound. Does not revoke refresh tokens (callers decide).
  virtual Status set_password(std::string_view username, std::string_view password_hash) = 0;
  // kNotFound.
  virtual Status set_roles_and_scopes(std::string_view username,
                                      const std::vector<std::string>& roles,
                                      const std::vector<std::string>& scopes) = 0;
  // Deletes the user and revokes its refresh tokens in one transaction. kNotFound, or
  // kFailedPrecondition when the policy protects the last admin.
  virtual Status remove(std::string_view username,
                        RemovePolicy policy = RemovePolicy::kAnyUser) = 0;
  // Every user, ordered by username (byte order).
  virtual std::vector<UserRecord> list() = 0;
  // True when some user holds the role `admin`.
  virtual bool any_admin() = 0;

  // Records an issued refresh token. kAlreadyExists for a jti seen before.
  virtual Status record_refresh(std::string_view jti, std::string_view username,
                                std::int64_t issued_at, std::int64_t expires_at) = 0;
  // Atomically marks the jti rotated, and returns true, only when it is recorded, not yet
  // rotated, not revoked, expires after `now` (Unix seconds) and its user still exists. Of
  // several concurrent calls for one jti, from any number of processes, at most one returns
  // true.
  virtual bool rotate_refresh(std::string_view jti, std::int64_t now) = 0;
  // Revokes every refresh token of the user.
  virtual void revoke_refresh_tokens(std::string_view username) = 0;
  // Deletes the records of refresh tokens that expire at or before `now`; returns how many.
  virtual int purge_expired_refresh(std::int64_t now) = 0;
};

}  // namespace bmcp::auth
