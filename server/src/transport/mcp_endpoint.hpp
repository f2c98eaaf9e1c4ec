#pragma once

#include <functional>
#include <memory>
#include <string>
#include <string_view>

#include "auth/auth_service.hpp"
#include "http/router.hpp"
#include "jsonrpc/message.hpp"
#include "mcp/engine.hpp"
#include "mcp/session_table.hpp"

namespace bmcp::transport {

// Streamable HTTP for MCP at /mcp and /mcp/ (contract §4): POST carries JSON-RPC messages,
// GET opens the session's standalone stream, DELETE ends the session. Checks run in the
// contract's order: token, session and version headers, then content type and body.
class McpEndpoint {
 public:
  McpEndpoint(mcp::Engine& engine, mcp::SessionTable& sessions, auth::AuthService& auth);
  void add_routes(http::Router& router);

  // The WWW-Authenticate value of a 401 (refusal: why the token sent was refused, the 401's
  // detail; empty when no token was sent), and of a 403 for a scope the token lacks (the scope
  // to ask for), when the server is an OAuth authorization server (docs/authorization.md);
  // unset: plain "Bearer".
  struct Challenges {
    std::function<std::string(std::string_view refusal)> unauthorized;
    std::function<std::string(std::string_view scope)> insufficient_scope;
    // The scope a request needs beyond the one every token has, or "" (e.g. an admin tool).
    std::function<std::string(const jsonrpc::Message& message)> scope_needed;
  };
  void set_challenges(Challenges challenges) { challenges_ = std::move(challenges); }

 private:
  void post(http::HttpRequest request, std::shared_ptr<http::ResponseStream> response);
  void get(http::HttpRequest request, std::shared_ptr<http::ResponseStream> response);
  void remove(http::HttpRequest request, std::shared_ptr<http::ResponseStream> response);

  // Verifies the bearer token; on failure answers 401 and returns nullopt.
  std::optional<auth::Principal> authenticate(const http::HttpRequest& request,
                                              http::ResponseStream& response);
  // Finds the request's session; on failure answers 400/404 and returns null.
  std::shared_ptr<mcp::Session> session_for(const http::HttpRequest& request,
                                            const auth::Principal& principal,
                                            http::ResponseStream& response);
  void initialize(const http::HttpRequest& request, const auth::Principal& principal,
                  const jsonrpc::Message& message, std::shared_ptr<http::ResponseStream> response);
  void dispatch(const http::HttpRequest& request, const auth::Principal& principal,
                std::shared_ptr<mcp::Session> session, jsonrpc::Message message,
                std::shared_ptr<http::ResponseStream> response);

  mcp::Engine& engine_;
  mcp::SessionTable& sessions_;
  auth::AuthService& auth_;
  Challenges challenges_;
};

}  // namespace bmcp::transport
