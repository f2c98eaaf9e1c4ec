#include "transport/mcp_endpoint.hpp"

#include <algorithm>

#include "jsonrpc/codes.hpp"
#include "mcp/protocol_version.hpp"
#include "mcp/session_ids.hpp"
#include "transport/bearer_token.hpp"
#include "transport/http_errors.hpp"
#include "transport/response_channels.hpp"

namespace bmcp::transport {
namespace {

constexpr std::string_view kSessionHeader = "Mcp-Session-Id";

bool accepts_events(const http::HttpRequest& request) {
  const auto accept = request.headers.get("Accept");
  return accept && http::header_lists_media_type(*accept, "text/event-stream");
}

bool is_json(const http::HttpRequest& request) {
  const auto type = request.headers.get("Content-Type");
  return type && http::header_lists_media_type(*type, "application/json");
}

http::HttpResponse accepted() {
  http::HttpResponse response;
  response.status = 202;
  return response;
}

mcp::Caller caller_of(const auth::Principal& principal) {
  return mcp::Caller{principal.user_id, principal.username, principal.roles, principal.scopes};
}

std::optional<std::uint64_t> last_event_id(const http::HttpRequest& request) {
  // A value that is not an event id is treated as absent: the stream starts from what waits.
  const auto header = request.headers.get("Last-Event-ID");
  return header ? mcp::parse_last_event_id(*header) : std::nullopt;
}

}  // namespace

McpEndpoint::McpEndpoint(mcp::Engine& engine, mcp::SessionTable& sessions, auth::AuthService& auth)
    : engine_(engine), sessions_(sessions), auth_(auth) {}

void McpEndpoint::add_routes(http::Router& router) {
  for (const char* path : {"/mcp", "/mcp/"}) {
    router.add(path, "POST", [this](auto request, auto response) {
      post(std::move(request), std::move(response));
    });
    router.add(path, "GET", [this](auto request, auto response) {
      get(std::move(request), std::move(response));
    });
    router.add(path, "DELETE", [this](auto request, auto response) {
      remove(std::move(request), std::move(response));
    });
  }
}

std::optional<auth::Principal> McpEndpoint::authenticate(const http::HttpRequest& request,
                                                         http::ResponseStream& response) {
  const auto token = bearer_token(request.headers);
  if (!token) {
    auto refused = unauthorized("Bearer token required");
    if (challenges_.unauthorized)
      refused.headers.set("WWW-Authenticate", challenges_.unauthorized(""));
    response.respond(std::move(refused));
    return std::nullopt;
  }
  auto principal = auth_.authenticate_access(*token);
  if (!principal) {
    auto refused = auth_failure_response(principal.error());
    if (refused.status == 401 && challenges_.unauthorized)
      refused.headers.set("WWW-Authenticate", challenges_.unauthorized(principal.error().detail));
    response.respond(std::move(refused));
    return std::nullopt;
  }
  return std::move(*principal);
}

std::shared_ptr<mcp::Session> McpEndpoint::session_for(const http::HttpRequest& request,
                                                       const auth::Principal& principal,
                                                       http::ResponseStream& response) {
  const auto id = request.headers.get(kSessionHeader);
  if (!id) {
    response.respond(jsonrpc_error_response(400, jsonrpc::kServerError,
                                            "Bad Request: Mcp-Session-Id header is required"));
    return nullptr;
  }
  // An id no session can have (not visible ASCII) is an unknown id, as the contract says.
  const auto session_id = mcp::parse_session_id(*id);
  auto session = session_id ? sessions_.find(std::string(*session_id), principal.user_id) : nullptr;
  if (!session) {
    response.respond(jsonrpc_error_response(404, jsonrpc::kSessionNotFound, "Session not found"));
    return nullptr;
  }
  if (const auto version = request.headers.get("MCP-Protocol-Version");
      version && !mcp::is_supported_version(*version)) {
    response.respond(jsonrpc_error_response(
        400, jsonrpc::kServerError,
        "Bad Request: Unsupported protocol version: " + std::string(*version)));
    return nullptr;
  }
  session->touch();
  return session;
}

void McpEndpoint::post(http::HttpRequest request, std::shared_ptr<http::ResponseStream> response) {
  auto principal = authenticate(request, *response);
  if (!principal)
    return;

  // The body is read first only to recognise `initialize`, the one request without a session.
  std::optional<Result<jsonrpc::Message, jsonrpc::ShapeError>> parsed;
  if (is_json(request))
    parsed.emplace(jsonrpc::parse_message(request.body));
  const bool is_initialize = parsed && parsed->ok() && (*parsed)->kind == jsonrpc::Kind::kRequest &&
                             (*parsed)->method == "initialize";
  if (is_initialize) {
    if (request.headers.get(kSessionHeader)) {
      response->respond(jsonrpc_error_response(
          400, jsonrpc::kInvalidRequest, "Bad Request: initialize must not carry Mcp-Session-Id"));
      return;
    }
    initialize(request, *principal, **parsed, response);
    return;
  }

  auto session = session_for(request, *principal, *response);
  if (!session)
    return;
  if (!parsed) {
    response->respond(http::detail_response(415, "Content-Type must be application/json"));
    return;
  }
  if (!parsed->ok()) {
    const auto& error = parsed->error();
    response->respond(jsonrpc_error_response(400, error.code, error.message));
    return;
  }
  // A token issued to an OAuth client holds only the scopes it was granted; a request that
  // needs another is refused so that the host can ask the person for it (RFC 6750 3.1).
  if (!principal->client_id.empty() && challenges_.scope_needed) {
    const auto needed = challenges_.scope_needed(**parsed);
    const auto& granted = principal->granted_scopes;
    if (!needed.empty() && std::find(granted.begin(), granted.end(), needed) == granted.end()) {
      auto refused = http::detail_response(403, "Insufficient scope: " + needed + " is required");
      if (challenges_.insufficient_scope)
        refused.headers.set("WWW-Authenticate", challenges_.insufficient_scope(needed));
      response->respond(std::move(refused));
      return;
    }
  }
  dispatch(request, *principal, std::move(session), std::move(**parsed), std::move(response));
}

void McpEndpoint::initialize(const http::HttpRequest& request, const auth::Principal& principal,
                             const jsonrpc::Message& message,
                             std::shared_ptr<http::ResponseStream> response) {
  auto outcome = engine_.initialize(message.params);
  auto created = sessions_.create(principal.user_id, principal.uid, outcome.protocol_version);
  if (!created) {
    response->respond(http::detail_response(429, "Too many MCP sessions"));
    return;
  }
  http::Headers extra;
  extra.set(std::string(kSessionHeader), (*created)->id());
  const auto reply = jsonrpc::result_text(message.id, outcome.result);
  if (accepts_events(request)) {
    SseRequestChannel(response, std::move(extra)).complete(reply);
  } else {
    JsonRequestChannel(response, std::move(extra)).complete(reply);
  }
}

void McpEndpoint::dispatch(const http::HttpRequest& request, const auth::Principal& principal,
                           std::shared_ptr<mcp::Session> session, jsonrpc::Message message,
                           std::shared_ptr<http::ResponseStream> response) {
  switch (message.kind) {
    case jsonrpc::Kind::kNotification:
      engine_.handle_notification(*session, message);
      response->respond(accepted());
      return;
    case jsonrpc::Kind::kResponse:
      engine_.handle_response(*session, message);
      response->respond(accepted());
      return;
    case jsonrpc::Kind::kRequest:
      break;
  }
  std::shared_ptr<mcp::RequestChannel> channel;
  if (accepts_events(request)) {
    channel = std::make_shared<SseRequestChannel>(response, http::Headers{});
  } else {
    channel = std::make_shared<JsonRequestChannel>(response, http::Headers{});
  }
  auto ctx = std::make_shared<mcp::RequestContext>(std::move(session), caller_of(principal),
                                                   message.id, message.method,
                                                   mcp::progress_token_of(message.params), channel);
  engine_.handle_request(ctx, message.params);
}

void McpEndpoint::get(http::HttpRequest request, std::shared_ptr<http::ResponseStream> response) {
  auto principal = authenticate(request, *response);
  if (!principal)
    return;
  auto session = session_for(request, *principal, *response);
  if (!session)
    return;
  if (!accepts_events(request)) {
    response->respond(http::detail_response(406, "Accept must include text/event-stream"));
    return;
  }
  response->start_events({}, true);
  auto sink = std::make_shared<StreamSink>(response);
  std::weak_ptr<mcp::Session> weak_session = session;
  // The callbacks name their sink by a weak reference, never by its address alone: a replaced
  // sink is freed at once, and a later stream's sink may be given the same address, so a
  // replaced stream's connection closing late must not detach that later stream. A sink that
  // no longer exists is attached nowhere.
  std::weak_ptr<StreamSink> weak_sink = sink;
  response->on_close([weak_session, weak_sink] {
    const auto alive_sink = weak_sink.lock();
    if (!alive_sink)
      return;
    if (auto alive = weak_session.lock())
      alive->stream().detach(alive_sink.get());
  });
  // The client read what was written: events that waited for room (a replay larger than the
  // buffer, a burst) go on.
  response->on_drained([weak_session, weak_sink] {
    const auto alive_sink = weak_sink.lock();
    if (!alive_sink)
      return;
    if (auto alive = weak_session.lock())
      alive->stream().resume(alive_sink.get());
  });
  const auto resume_after = last_event_id(request);
  session->stream().attach(sink, resume_after);
  sessions_.stream_opened(session, resume_after);
}

void McpEndpoint::remove(http::HttpRequest request,
                         std::shared_ptr<http::ResponseStream> response) {
  auto principal = authenticate(request, *response);
  if (!principal)
    return;
  auto session = session_for(request, *principal, *response);
  if (!session)
    return;
  sessions_.end(session->id(), principal->user_id, mcp::SessionEndReason::kDeleted);
  http::HttpResponse done;
  done.status = 200;
  response->respond(std::move(done));
}

}  // namespace bmcp::transport
