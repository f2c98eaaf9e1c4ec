#pragma once

#include "auth/auth_service.hpp"
#include "core/thread_pool.hpp"
#include "http/router.hpp"
#include "http/trusted_proxies.hpp"

namespace bmcp::transport {

// POST /auth/login, /auth/refresh, /auth/logout and GET /auth/profile (contract §2.1-2.4).
// Password hashing and SQLite run on the blocking pool; the answer is written from there.
// Login rate limits key on the client address that `proxies` gives (X-Forwarded-For only from
// a trusted proxy).
class AuthEndpoints {
 public:
  AuthEndpoints(auth::AuthService& auth, ThreadPool& blocking, const http::TrustedProxies& proxies);
  void add_routes(http::Router& router);

 private:
  void login(http::HttpRequest request, std::shared_ptr<http::ResponseStream> response);
  void refresh(http::HttpRequest request, std::shared_ptr<http::ResponseStream> response);
  void logout(http::HttpRequest request, std::shared_ptr<http::ResponseStream> response);
  void profile(http::HttpRequest request, std::shared_ptr<http::ResponseStream> response);

  auth::AuthService& auth_;
  ThreadPool& blocking_;
  const http::TrustedProxies& proxies_;
};

// The JSON form of a principal ({id, user_id, username, roles, scopes}).
json::object principal_json(const auth::Principal& principal);

}  // namespace bmcp::transport
