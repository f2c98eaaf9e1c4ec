#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "app/config.hpp"
#include "auth/auth_service.hpp"
#include "auth/oauth_store.hpp"
#include "core/thread_pool.hpp"
#include "http/router.hpp"
#include "http/trusted_proxies.hpp"
#include "oauth/authorization_server.hpp"
#include "oauth/first_party_flow.hpp"
#include "transport/mcp_endpoint.hpp"
#include "transport/oauth_endpoints.hpp"

namespace bmcp::app {

// The OAuth authorization server of `serve` (docs/authorization.md) and its wiring into the
// router and /mcp, in one place: serve builds it, adds its routes, and starts it once the
// server listens (the bound port is part of the default public URL).
class OAuthSurface {
 public:
  OAuthSurface(const ServerConfig& config, auth::AuthService& auth, auth::UserStore& users,
               auth::OAuthStore& store, const Clock& clock, std::string_view signing_key,
               ThreadPool& blocking, const http::TrustedProxies& proxies,
               oauth::DocumentSource& client_documents);

  // The metadata, /authorize, /token, /register and /revoke routes; the WWW-Authenticate
  // challenges and the admin scope of /mcp.
  void add_routes(http::Router& router, transport::McpEndpoint& mcp);
  // Fixes the public URL (--public-url, else the bind address with the bound port) and the
  // audience of access tokens, and purges what expired while the server was down. Call after
  // listen(), before run().
  void start(std::uint16_t bound_port);
  // Deletes expired codes and refresh tokens (start-up and daily).
  void purge_expired();
  // The console's sign-in through this server (its built-in client console::kOAuthClientId).
  oauth::FirstPartyFlow& console_sign_on() { return console_sign_on_; }
  // The public /mcp URL (after start()).
  std::string resource_url() const { return server_.urls().resource; }

 private:
  const ServerConfig& config_;
  oauth::ClientDocuments documents_;
  oauth::AuthorizationServer server_;
  transport::OAuthEndpoints endpoints_;
  oauth::FirstPartyFlow console_sign_on_;
};

// The allowed browser origins: the configured ones plus the public URL's own origin, so that
// the /authorize forms can be posted back to it when it is not a loopback address.
std::vector<std::string> allowed_origins(const ServerConfig& config);

// The MCP tools that need the scope blender:admin (tools/diagnostics_tools.hpp: every
// diagnostics tool needs the role `admin` on the HTTP server).
bool needs_admin_scope(std::string_view tool);

}  // namespace bmcp::app
