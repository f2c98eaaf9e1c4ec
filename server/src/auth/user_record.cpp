#include "auth/user_record.hpp"

#include <algorithm>

#include "core/random.hpp"

namespace bmcp::auth {

namespace {

bool is_alphanumeric(char c) {
  return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
}

}  // namespace

bool UserRecord::has_role(std::string_view role) const {
  return std::find(roles.begin(), roles.end(), role) != roles.end();
}

std::string new_user_uid() {
  constexpr std::size_t kUidBytes = 16;
  return random_hex(kUidBytes);
}

// Checked by hand rather than with std::regex: the pattern is one class and a length.
bool is_valid_username(std::string_view username) {
  if (username.empty() || username.size() > 64 || !is_alphanumeric(username.front())) {
    return false;
  }
  return std::all_of(username.begin(), username.end(),
                     [](char c) { return is_alphanumeric(c) || c == '.' || c == '_' || c == '-'; });
}

std::vector<std::string> default_user_roles() {
  return {"user"};
}
std::vector<std::string> default_user_scopes() {
  return {"read", "write"};
}
std::vector<std::string> admin_roles() {
  return {"admin", "user"};
}
std::vector<std::string> admin_scopes() {
  return {"*"};
}

}  // namespace bmcp::auth
