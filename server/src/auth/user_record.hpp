#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace bmcp::auth {

// One account of the user store. The username is also the user_id.
struct UserRecord {
  std::string username;
  std::string password_hash;  // an Argon2id PHC string
  std::vector<std::string> roles;
  std::vector<std::string> scopes;
  double created_at = 0;  // seconds since the Unix epoch
  double updated_at = 0;
  // Assigned by the store when the account is created (new_user_uid()) and never changed. Tokens
  // carry it (claim `uid`), so a token outlives neither the removal of its account nor a new
  // account that reuses the name.
  std::string uid{};

  bool has_role(std::string_view role) const;
};

// A fresh account id: 128 random bits as 32 lowercase hex characters.
std::string new_user_uid();

// `^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$`, case-sensitive.
bool is_valid_username(std::string_view username);

inline constexpr std::string_view kAdminRole = "admin";

// What `user add` and the demo bootstrap give a new account.
std::vector<std::string> default_user_roles();   // ["user"]
std::vector<std::string> default_user_scopes();  // ["read","write"]
// What the admin bootstrap gives `admin`.
std::vector<std::string> admin_roles();   // ["admin","user"]
std::vector<std::string> admin_scopes();  // ["*"]

}  // namespace bmcp::auth
