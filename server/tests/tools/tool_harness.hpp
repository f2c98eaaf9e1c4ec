#pragma once

#include <memory>
#include <string>
#include <vector>

#include "../mcp/fake_channel.hpp"
#include "bus/bus_hub.hpp"
#include "core/clock.hpp"
#include "mcp/engine.hpp"
#include "tools/bus_resources.hpp"
#include "tools/bus_tools.hpp"
#include "tools/dispatch_script_prompt.hpp"

namespace bmcp::tools::testing {

// The bus tools, resources and prompt behind a real engine, with sessions whose standalone
// streams are recorded.
class ToolHarness {
 public:
  struct Peer {
    std::shared_ptr<mcp::Session> session;
    std::shared_ptr<mcp::testing::RecordingSink> sink;
    std::string user;

    // The `data` objects of the bus records received so far.
    std::vector<json::object> records() const {
      std::vector<json::object> out;
      for (const auto& frame : sink->frames) {
        const auto start = frame.find("data: ") + 6;
        auto message = parse_json(frame.substr(start, frame.size() - start - 2))->as_object();
        out.push_back(message.at("params").at("data").as_object());
      }
      return out;
    }
  };

  ToolHarness() {
    add_bus_tools(registry_, hub_, clock_);
    add_bus_resources(registry_, hub_);
    registry_.add_prompt(dispatch_script_prompt());
  }

  Peer open(const std::string& user, LogLevel level = LogLevel::kDebug) {
    auto session =
        std::make_shared<mcp::Session>("s" + std::to_string(next_session_++), user, "2025-11-25",
                                       clock_, mcp::StandaloneStreamLimits{});
    session->set_log_level(level);
    auto sink = std::make_shared<mcp::testing::RecordingSink>();
    session->stream().attach(sink, std::nullopt);
    opened_.push_back(session);
    return {session, sink, user};
  }

  // The raw JSON-RPC response to one request on the peer's session.
  json::value request(const Peer& peer, const char* method, json::object params) {
    auto channel = std::make_shared<mcp::testing::RecordingChannel>();
    auto ctx = std::make_shared<mcp::RequestContext>(
        peer.session, mcp::Caller{peer.user, peer.user, {"user"}, {}}, 1, method, std::nullopt,
        channel);
    engine_.handle_request(ctx, params);
    return *channel->response;
  }

  // The tools/call result object ({content, structuredContent, isError}).
  json::object call_raw(const Peer& peer, const char* tool, json::object arguments) {
    return request(peer, "tools/call", {{"name", tool}, {"arguments", std::move(arguments)}})
        .at("result")
        .as_object();
  }

  // The decoded tool result (content[0].text parsed).
  json::object call(const Peer& peer, const char* tool, json::object arguments = {}) {
    const auto result = call_raw(peer, tool, std::move(arguments));
    return parse_json(result.at("content").at(0).at("text").as_string())->as_object();
  }

  json::object read(const Peer& peer, const char* uri) {
    const auto response = request(peer, "resources/read", {{"uri", uri}});
    const auto& text = response.at("result").at("contents").at(0).at("text").as_string();
    return parse_json(text)->as_object();
  }

  // Ends every opened session, abandoning requests still in flight (a session and its
  // in-flight requests refer to each other until the session ends).
  void end_all() {
    for (const auto& session : opened_)
      session->end();
  }
  ~ToolHarness() { end_all(); }

  void end(const Peer& peer) {
    peer.session->end();
    hub_.end_session(peer.user, peer.session->id());
  }

  FakeClock clock_;
  bus::BusHub hub_{clock_, bus::BusLimits{}};
  mcp::Registry registry_;
  mcp::Engine engine_{registry_, {}};

 private:
  int next_session_ = 1;
  std::vector<std::shared_ptr<mcp::Session>> opened_;
};

}  // namespace bmcp::tools::testing
