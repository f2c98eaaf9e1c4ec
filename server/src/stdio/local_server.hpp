#pragma once

#include <chrono>
#include <memory>
#include <mutex>

#include "core/clock.hpp"
#include "jsonrpc/message.hpp"
#include "mcp/caller.hpp"
#include "mcp/engine.hpp"
#include "stdio/in_flight.hpp"
#include "stdio/line_writer.hpp"

namespace bmcp::stdio {

// One client's MCP conversation over stdio, served by a local engine (contract §10): the one
// session, created by `initialize`, and the routing of every message to the engine. Answers
// go to `out`, one line each.
//
// Before `initialize` only `ping` is answered; other requests get -32600. A second
// `initialize` is refused with -32600 and changes nothing. Client responses are ignored (this
// server sends no requests).
// Thread safety: handle() is called by the reading thread; answers may be written from any
// thread (tools finish later on workers).
class LocalServer {
 public:
  LocalServer(const mcp::Engine& engine, LineWriter& out, const Clock& clock, mcp::Caller caller);

  // Handles one message read from the client.
  void handle(const jsonrpc::Message& message);

  // For a front that answers `initialize` itself: creates the session and returns the
  // initialize result, or nullopt when the session already exists.
  std::optional<json::object> initialize(const json::value& params);
  // Runs `request` on the local engine (the session must exist). Its answer goes to `channel`,
  // or, when that is null, to a line on the output.
  void serve_request(const jsonrpc::Message& request,
                     std::shared_ptr<mcp::RequestChannel> channel = nullptr);
  bool initialized() const;

  // Waits (at most `limit`) until every accepted request has been answered.
  bool wait_idle(std::chrono::milliseconds limit) const { return in_flight_.wait_idle(limit); }

 private:
  void write_error(const json::value& id, int code, std::string_view message);
  std::shared_ptr<mcp::Session> session() const;

  const mcp::Engine& engine_;
  LineWriter& out_;
  const Clock& clock_;
  const mcp::Caller caller_;
  InFlight in_flight_;

  mutable std::mutex mutex_;
  std::shared_ptr<mcp::Session> session_;
};

}  // namespace bmcp::stdio
