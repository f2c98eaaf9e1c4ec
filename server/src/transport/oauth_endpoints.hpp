#pragma once

#include "core/thread_pool.hpp"
#include "http/router.hpp"
#include "http/trusted_proxies.hpp"
#include "oauth/authorization_server.hpp"

namespace bmcp::transport {

// The HTTP face of the OAuth authorization server (docs/authorization.md): the metadata
// documents (RFC 9728 at /.well-known/oauth-protected-resource and .../mcp, RFC 8414 at
// /.well-known/oauth-authorization-server and /.well-known/openid-configuration), GET and POST
// /authorize, POST /token, /register and /revoke. The metadata is answered inline; the rest
// runs on the blocking pool (passwords, stores). Client addresses come from `proxies`.
class OAuthEndpoints {
 public:
  OAuthEndpoints(oauth::AuthorizationServer& server, ThreadPool& blocking,
                 const http::TrustedProxies& proxies);
  void add_routes(http::Router& router);

 private:
  using Work = oauth::WebReply (oauth::AuthorizationServer::*)(const oauth::WebRequest&);
  void on_pool(Work work, const http::HttpRequest& request,
               std::shared_ptr<http::ResponseStream> response);

  oauth::AuthorizationServer& server_;
  ThreadPool& blocking_;
  const http::TrustedProxies& proxies_;
};

// The metadata paths: public documents that any origin may read.
bool is_oauth_metadata_path(std::string_view path);

}  // namespace bmcp::transport
