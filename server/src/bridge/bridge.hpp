#pragma once

#include <chrono>
#include <set>
#include <string>

#include "bridge/remote_session.hpp"
#include "jsonrpc/message.hpp"
#include "mcp/registry.hpp"
#include "stdio/in_flight.hpp"
#include "stdio/line_writer.hpp"
#include "stdio/local_server.hpp"

namespace bmcp::bridge {

// The stdio bridge (contract §10): serves one stdio client with the union of the local
// engine (diagnostics tools and guidance prompts, run on this machine) and everything a
// running HTTP server offers (bus and dispatch tools, resources, all prompts), over one remote
// MCP session.
//
// Routing: initialize, ping and the local tools and prompts are answered locally; tools/list
// and prompts/list merge both sides (merge_by_name); everything else is forwarded, each request
// on its own thread, with the server's related notifications and its response written back as
// they arrive. The server's standalone-stream notifications (bus records) are written by
// whoever runs RemoteSession::run_stream with write_server_message as the sink.
// Thread safety: handle() on the reading thread; answers are written from any thread.
class Bridge {
 public:
  // At most this many forwarded requests wait for the server at once; more are refused.
  static constexpr std::size_t kMaxForwarded = 256;

  Bridge(stdio::LocalServer& local, const mcp::Registry& local_registry, RemoteSession& remote,
         stdio::LineWriter& out, json::object remote_initialize_result);

  void handle(const jsonrpc::Message& message);
  // Writes one message from the server to the client.
  void write_server_message(std::string_view json_text);
  // Waits (at most `limit`) until every accepted request, local or forwarded, has been answered.
  bool wait_idle(std::chrono::milliseconds limit) const;

 private:
  void initialize(const jsonrpc::Message& request);
  void list_merged(const jsonrpc::Message& request, std::string_view key);
  void forward(const jsonrpc::Message& message);
  bool is_local(const jsonrpc::Message& request) const;
  // The result of a local request answered at once (lists), or its error object.
  json::value call_local(const jsonrpc::Message& request);
  void write_error(const json::value& id, int code, std::string_view message);

  stdio::LocalServer& local_;
  RemoteSession& remote_;
  stdio::LineWriter& out_;
  const json::object remote_initialize_;
  std::set<std::string, std::less<>> local_tools_;
  std::set<std::string, std::less<>> local_prompts_;
  stdio::InFlight forwarded_;
};

}  // namespace bmcp::bridge
