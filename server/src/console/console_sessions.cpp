#include "console/console_sessions.hpp"

#include <algorithm>

#include "core/random.hpp"

namespace bmcp::console {

bool ConsoleUser::is_admin() const {
  return std::find(roles.begin(), roles.end(), "admin") != roles.end();
}

ConsoleSession new_console_session(ConsoleUser user, std::string client_address, double created_at,
                                   SteadyTime now, const ConsoleSessionLimits& limits) {
  ConsoleSession session;
  session.id = random_hex(32);
  session.csrf_token = random_hex(32);
  session.user = std::move(user);
  session.client_address = std::move(client_address);
  session.created_at = created_at;
  session.last_seen = created_at;
  session.absolute_expiry = now + limits.absolute;
  session.expires = std::min(now + limits.idle, session.absolute_expiry);
  return session;
}

}  // namespace bmcp::console
