#include "stdio/local_server.hpp"

#include "jsonrpc/codes.hpp"
#include "stdio/line_channel.hpp"

namespace bmcp::stdio {
namespace {

// The stdio session never has a standalone stream open; its limits only bound memory.
constexpr mcp::StandaloneStreamLimits kNoStream{0, 0};

}  // namespace

LocalServer::LocalServer(const mcp::Engine& engine, LineWriter& out, const Clock& clock,
                         mcp::Caller caller)
    : engine_(engine), out_(out), clock_(clock), caller_(std::move(caller)) {}

bool LocalServer::initialized() const {
  return session() != nullptr;
}

std::shared_ptr<mcp::Session> LocalServer::session() const {
  std::lock_guard lock(mutex_);
  return session_;
}

std::optional<json::object> LocalServer::initialize(const json::value& params) {
  auto outcome = engine_.initialize(params);
  std::lock_guard lock(mutex_);
  if (session_)
    return std::nullopt;
  session_ = std::make_shared<mcp::Session>("stdio", caller_.user_id, outcome.protocol_version,
                                            clock_, kNoStream);
  return std::move(outcome.result);
}

void LocalServer::handle(const jsonrpc::Message& message) {
  switch (message.kind) {
    case jsonrpc::Kind::kResponse:
      return;
    case jsonrpc::Kind::kNotification:
      if (auto current = session())
        engine_.handle_notification(*current, message);
      return;
    case jsonrpc::Kind::kRequest:
      break;
  }
  if (message.method == "initialize") {
    auto result = initialize(message.params);
    if (!result) {
      write_error(message.id, jsonrpc::kInvalidRequest,
                  "Invalid Request: the session is already initialized");
      return;
    }
    out_.write_line(jsonrpc::result_text(message.id, *result));
    return;
  }
  if (!initialized() && message.method != "ping") {
    write_error(message.id, jsonrpc::kInvalidRequest,
                "Invalid Request: the first request must be initialize");
    return;
  }
  if (!initialized()) {
    out_.write_line(jsonrpc::result_text(message.id, json::object{}));
    return;
  }
  serve_request(message);
}

void LocalServer::serve_request(const jsonrpc::Message& request,
                                std::shared_ptr<mcp::RequestChannel> channel) {
  auto current = session();
  if (!channel)
    channel = std::make_shared<LineRequestChannel>(out_, in_flight_);
  auto ctx = std::make_shared<mcp::RequestContext>(current, caller_, request.id, request.method,
                                                   mcp::progress_token_of(request.params), channel);
  engine_.handle_request(ctx, request.params);
}

void LocalServer::write_error(const json::value& id, int code, std::string_view message) {
  out_.write_line(to_json_text(jsonrpc::make_error(id, code, message)));
}

}  // namespace bmcp::stdio
