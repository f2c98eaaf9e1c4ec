#include "transport/oauth_endpoints.hpp"

#include <spdlog/spdlog.h>

namespace bmcp::transport {

namespace {

constexpr std::string_view kResourceMetadataPaths[] = {"/.well-known/oauth-protected-resource",
                                                       "/.well-known/oauth-protected-resource/mcp"};
constexpr std::string_view kServerMetadataPaths[] = {"/.well-known/oauth-authorization-server",
                                                     "/.well-known/openid-configuration"};

http::HttpResponse to_http(oauth::WebReply reply) {
  http::HttpResponse response;
  response.status = reply.status;
  for (auto& [name, value] : reply.headers)
    response.headers.add(std::move(name), std::move(value));
  response.body = std::move(reply.body);
  return response;
}

oauth::WebRequest to_web(const http::HttpRequest& request, std::string client_address) {
  oauth::WebRequest web;
  web.method = request.method;
  if (const auto question = request.target.find('?'); question != std::string::npos)
    web.query = request.target.substr(question + 1);
  web.body = request.body;
  web.content_type = std::string(request.headers.get("Content-Type").value_or(""));
  web.cookies = std::string(request.headers.get("Cookie").value_or(""));
  web.client_address = std::move(client_address);
  web.fetch_site = std::string(request.headers.get("Sec-Fetch-Site").value_or(""));
  return web;
}

}  // namespace

bool is_oauth_metadata_path(std::string_view path) {
  for (const auto known : kResourceMetadataPaths)
    if (path == known)
      return true;
  for (const auto known : kServerMetadataPaths)
    if (path == known)
      return true;
  return false;
}

OAuthEndpoints::OAuthEndpoints(oauth::AuthorizationServer& server, ThreadPool& blocking,
                               const http::TrustedProxies& proxies)
    : server_(server), blocking_(blocking), proxies_(proxies) {}

void OAuthEndpoints::add_routes(http::Router& router) {
  for (const auto path : kResourceMetadataPaths) {
    router.add(std::string(path), "GET", [this](auto, auto response) {
      response->respond(to_http(server_.protected_resource_metadata()));
    });
  }
  for (const auto path : kServerMetadataPaths) {
    router.add(std::string(path), "GET", [this](auto, auto response) {
      response->respond(to_http(server_.authorization_server_metadata()));
    });
  }
  const std::pair<const char*, Work> posts[] = {
      {"/token", &oauth::AuthorizationServer::token},
      {"/register", &oauth::AuthorizationServer::register_client},
      {"/revoke", &oauth::AuthorizationServer::revoke},
      {"/authorize", &oauth::AuthorizationServer::authorize}};
  for (const auto& [path, work] : posts) {
    router.add(path, "POST", [this, work = work](auto request, auto response) {
      on_pool(work, request, std::move(response));
    });
  }
  router.add("/authorize", "GET", [this](auto request, auto response) {
    on_pool(&oauth::AuthorizationServer::authorize, request, std::move(response));
  });
}

void OAuthEndpoints::on_pool(Work work, const http::HttpRequest& request,
                             std::shared_ptr<http::ResponseStream> response) {
  blocking_.post([this, work, web = to_web(request, proxies_.client_address(request)), response] {
    try {
      response->respond(to_http((server_.*work)(web)));
    } catch (const std::exception& error) {
      spdlog::error("oauth: {}", error.what());
      response->respond(http::detail_response(500, "Internal Server Error"));
    }
  });
}

}  // namespace bmcp::transport
