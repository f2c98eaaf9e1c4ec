#include "transport/console_endpoints.hpp"

#include <spdlog/spdlog.h>

namespace bmcp::transport {
namespace {

console::WebRequest to_web(const http::HttpRequest& request, std::string client_address) {
  console::WebRequest web;
  web.method = request.method;
  web.path = request.path;
  if (const auto question = request.target.find('?'); question != std::string::npos)
    web.query = request.target.substr(question + 1);
  web.body = request.body;
  web.content_type = std::string(request.headers.get("Content-Type").value_or(""));
  web.cookies = std::string(request.headers.get("Cookie").value_or(""));
  web.csrf_token = std::string(request.headers.get("X-CSRF-Token").value_or(""));
  web.client_address = std::move(client_address);
  return web;
}

http::HttpResponse to_http(console::WebReply reply) {
  http::HttpResponse response;
  response.status = reply.status;
  for (auto& [name, value] : reply.headers)
    response.headers.add(std::move(name), std::move(value));
  response.body = std::move(reply.body);
  return response;
}

}  // namespace

ConsoleEndpoints::ConsoleEndpoints(console::ConsoleApi& api, console::ConsoleFeed& feed,
                                   ThreadPool& blocking, const http::TrustedProxies& proxies)
    : api_(api), feed_(feed), blocking_(blocking), proxies_(proxies) {}

void ConsoleEndpoints::add_routes(http::Router& router) {
  for (auto& route : console::ConsoleApi::routes()) {
    router.add(std::move(route.path), std::move(route.method), [this](auto request, auto response) {
      serve(std::move(request), std::move(response));
    });
  }
  router.add(std::string(console::kEventsPath), "GET", [this](auto request, auto response) {
    events(std::move(request), std::move(response));
  });
}

void ConsoleEndpoints::serve(http::HttpRequest request,
                             std::shared_ptr<http::ResponseStream> response) {
  auto web = to_web(request, proxies_.client_address(request));
  const auto reply = [response](console::WebReply answer) {
    response->respond(to_http(std::move(answer)));
  };
  if (web.path.rfind("/console/api/", 0) != 0 && web.path.rfind("/console/oauth/", 0) != 0) {
    api_.handle(web, reply);  // an embedded asset: nothing blocks
    return;
  }
  blocking_.post([this, web = std::move(web), reply] {
    try {
      api_.handle(web, reply);
    } catch (const std::exception& error) {
      spdlog::error("console: {}", error.what());
      reply(console::error_reply(500, "Internal Server Error"));
    }
  });
}

void ConsoleEndpoints::events(http::HttpRequest request,
                              std::shared_ptr<http::ResponseStream> response) {
  blocking_.post([this, web = to_web(request, proxies_.client_address(request)), response] {
    auto session = api_.signed_in(web);
    if (!session) {
      response->respond(to_http(session.error()));
      return;
    }
    if (!feed_.has_room(session->user.username)) {
      response->respond(
          to_http(console::error_reply(429, "too many open console pages; close some")));
      return;
    }
    http::Headers extra;
    extra.set("Content-Security-Policy", std::string(console::content_security_policy()));
    extra.set("X-Content-Type-Options", "nosniff");
    response->start_events(std::move(extra), true);
    // A page that cannot keep up is closed (its EventSource reconnects and gets a snapshot).
    const auto id = feed_.subscribe(
        session->user.username,
        [response](std::shared_ptr<const std::string> frame) {
          if (!frame) {
            response->end();
            return false;
          }
          return response->push_event(std::move(frame));
        },
        session->id);
    if (id == 0) {  // another page of the user took the last place meanwhile
      response->end();
      return;
    }
    // Not on the closing thread: the feed may be sending to this very stream.
    response->on_close([this, id] { blocking_.post([this, id] { feed_.unsubscribe(id); }); });
  });
}

}  // namespace bmcp::transport
