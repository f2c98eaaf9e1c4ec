#include "transport/auth_endpoints.hpp"

#include "transport/bearer_token.hpp"
#include "transport/http_errors.hpp"

namespace bmcp::transport {
namespace {

json::array strings(const std::vector<std::string>& values) {
  json::array out;
  for (const auto& value : values)
    out.emplace_back(value);
  return out;
}

json::object token_pair_json(const auth::TokenPair& pair) {
  return json::object{{"access_token", pair.access_token},
                      {"refresh_token", pair.refresh_token},
                      {"token_type", "bearer"},
                      {"expires_in", pair.expires_in}};
}

}  // namespace

json::object principal_json(const auth::Principal& principal) {
  return json::object{{"id", principal.user_id},
                      {"user_id", principal.user_id},
                      {"username", principal.username},
                      {"roles", strings(principal.roles)},
                      {"scopes", strings(principal.scopes)}};
}

AuthEndpoints::AuthEndpoints(auth::AuthService& auth, ThreadPool& blocking,
                             const http::TrustedProxies& proxies)
    : auth_(auth), blocking_(blocking), proxies_(proxies) {}

void AuthEndpoints::add_routes(http::Router& router) {
  router.add("/auth/login", "POST", [this](auto request, auto response) {
    login(std::move(request), std::move(response));
  });
  router.add("/auth/refresh", "POST", [this](auto request, auto response) {
    refresh(std::move(request), std::move(response));
  });
  router.add("/auth/logout", "POST", [this](auto request, auto response) {
    logout(std::move(request), std::move(response));
  });
  router.add("/auth/profile", "GET", [this](auto request, auto response) {
    profile(std::move(request), std::move(response));
  });
}

void AuthEndpoints::login(http::HttpRequest request,
                          std::shared_ptr<http::ResponseStream> response) {
  const auto body = parse_json(request.body);
  const auto* object = body ? body->if_object() : nullptr;
  const auto* username = object ? find_string(*object, "username") : nullptr;
  const auto* password = object ? find_string(*object, "password") : nullptr;
  if (!username || !password || username->empty() || password->empty()) {
    response->respond(http::detail_response(400, "username and password required"));
    return;
  }
  blocking_.post([this, user = std::string(*username), pass = std::string(*password),
                  remote = proxies_.client_address(request), response] {
    auto result = auth_.login(user, pass, remote);
    if (!result) {
      response->respond(auth_failure_response(result.error()));
      return;
    }
    auto out = token_pair_json(result->tokens);
    out["user"] = principal_json(result->user);
    response->respond(http::json_response(200, out));
  });
}

void AuthEndpoints::refresh(http::HttpRequest request,
                            std::shared_ptr<http::ResponseStream> response) {
  const auto body = parse_json(request.body);
  const auto* object = body ? body->if_object() : nullptr;
  const auto* token = object ? find_string(*object, "refresh_token") : nullptr;
  if (!token) {
    response->respond(unauthorized("Invalid refresh token"));
    return;
  }
  blocking_.post([this, token = std::string(*token), response] {
    auto result = auth_.refresh(token);
    if (!result) {
      response->respond(auth_failure_response(result.error()));
      return;
    }
    response->respond(http::json_response(200, token_pair_json(*result)));
  });
}

void AuthEndpoints::logout(http::HttpRequest request,
                           std::shared_ptr<http::ResponseStream> response) {
  const auto token = bearer_token(request.headers);
  if (!token) {
    response->respond(unauthorized("Bearer token required"));
    return;
  }
  blocking_.post([this, token = std::string(*token), response] {
    if (auto done = auth_.logout(token); !done) {
      response->respond(auth_failure_response(done.error()));
      return;
    }
    response->respond(http::json_response(200, json::object{{"message", "Logged out"}}));
  });
}

void AuthEndpoints::profile(http::HttpRequest request,
                            std::shared_ptr<http::ResponseStream> response) {
  const auto token = bearer_token(request.headers);
  if (!token) {
    response->respond(unauthorized("Bearer token required"));
    return;
  }
  auto principal = auth_.authenticate_access(*token);
  if (!principal) {
    response->respond(auth_failure_response(principal.error()));
    return;
  }
  response->respond(http::json_response(200, principal_json(*principal)));
}

}  // namespace bmcp::transport
