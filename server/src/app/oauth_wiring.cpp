#include "app/oauth_wiring.hpp"

#include <spdlog/spdlog.h>

#include <algorithm>

#include "console/console_api.hpp"
#include "core/json_text.hpp"
#include "jsonrpc/message.hpp"
#include "oauth/scopes.hpp"

namespace bmcp::app {

namespace {

oauth::AuthorizationServerOptions server_options(const ServerConfig& config) {
  oauth::AuthorizationServerOptions options;
  options.refresh_ttl = std::chrono::days(config.refresh_token_expire_days);
  options.refresh_grace = std::chrono::seconds(config.oauth_refresh_grace_seconds);
  options.external_issuer = config.oidc_issuer.value_or("");
  options.first_party.push_back(oauth::FirstPartyClient{std::string(console::kOAuthClientId),
                                                        std::string(console::kOAuthClientName),
                                                        std::string(console::kOAuthCallbackPath)});
  return options;
}

// The scope a JSON-RPC request to /mcp needs beyond kToolsScope, or "".
std::string scope_needed(const jsonrpc::Message& message) {
  if (message.kind != jsonrpc::Kind::kRequest || message.method != "tools/call")
    return "";
  const auto* params = message.params.if_object();
  const auto* name = params ? find_string(*params, "name") : nullptr;
  return name && needs_admin_scope(*name) ? std::string(oauth::kAdminScope) : "";
}

}  // namespace

bool needs_admin_scope(std::string_view tool) {
  return tool == "blender_check_status" || tool == "blender_find_blender" ||
         tool == "blender_list_running_blender" || tool == "blender_check_addon_installed" ||
         tool == "blender_install_addon";
}

OAuthSurface::OAuthSurface(const ServerConfig& config, auth::AuthService& auth,
                           auth::UserStore& users, auth::OAuthStore& store, const Clock& clock,
                           std::string_view signing_key, ThreadPool& blocking,
                           const http::TrustedProxies& proxies,
                           oauth::DocumentSource& client_documents)
    : config_(config),
      documents_(client_documents, clock),
      server_(auth, users, store, clock, signing_key, server_options(config), &documents_),
      endpoints_(server_, blocking, proxies),
      console_sign_on_(server_, clock, std::string(console::kOAuthClientId), signing_key,
                       std::string(console::kOAuthFlowCookie)) {}

void OAuthSurface::add_routes(http::Router& router, transport::McpEndpoint& mcp) {
  endpoints_.add_routes(router);
  transport::McpEndpoint::Challenges challenges;
  challenges.unauthorized = [this](std::string_view refusal) {
    return server_.www_authenticate(refusal);
  };
  challenges.insufficient_scope = [this](std::string_view scope) {
    return server_.insufficient_scope(scope);
  };
  challenges.scope_needed = scope_needed;
  mcp.set_challenges(std::move(challenges));
}

void OAuthSurface::start(std::uint16_t bound_port) {
  const auto base =
      config_.public_url ? *config_.public_url : oauth::bind_base_url(config_.host, bound_port);
  server_.set_base_url(base);
  spdlog::info("OAuth issuer {}; MCP hosts connect to {}", base, server_.urls().resource);
  if (!config_.public_url && (config_.host == "0.0.0.0" || config_.host == "::")) {
    spdlog::warn(
        "bound to {} without --public-url: OAuth metadata names {}, which clients cannot reach; "
        "set --public-url to the URL clients use",
        config_.host, base);
  }
  purge_expired();
}

void OAuthSurface::purge_expired() {
  try {
    if (const int purged = server_.purge_expired(); purged > 0)
      spdlog::info("purged {} expired OAuth codes and tokens", purged);
  } catch (const auth::StoreError& error) {
    spdlog::warn("OAuth purge failed: {}", error.what());
  }
}

std::vector<std::string> allowed_origins(const ServerConfig& config) {
  auto origins = config.allowed_origins;
  const bool any = std::find(origins.begin(), origins.end(), "*") != origins.end();
  if (config.public_url && !any)
    origins.push_back(oauth::origin_of(*config.public_url));
  return origins;
}

}  // namespace bmcp::app
