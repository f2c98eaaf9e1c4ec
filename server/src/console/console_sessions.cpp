#include "console/console_sessions.hpp"

#include <algorithm>

namespace bmcp::console {

bool ConsoleUser::is_admin() const {
  return std::find(roles.begin(), roles.end(), "admin") != roles.end();
}

}  // namespace bmcp::console
