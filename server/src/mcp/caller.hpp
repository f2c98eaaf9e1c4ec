#pragma once

#include <algorithm>
#include <string>
#include <vector>

namespace bmcp::mcp {

// Who sent a request, from the access token verified for that very request.
struct Caller {
  std::string user_id;
  std::string username;
  std::vector<std::string> roles;
  std::vector<std::string> scopes;

  bool has_role(std::string_view role) const {
    return std::find(roles.begin(), roles.end(), role) != roles.end();
  }
};

}  // namespace bmcp::mcp
