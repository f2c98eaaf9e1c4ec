#include "cluster/node_presence.hpp"

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <stdexcept>

namespace bmcp::cluster {

NodePresence::NodePresence(SharedStore& store, RedisBus& bus, std::string node_id,
                           PresenceOptions options)
    : store_(store), bus_(bus), node_id_(std::move(node_id)), options_(options) {}

std::string NodePresence::hold_count() const {
  return std::to_string(bus_.limits().offline_hold_messages);
}

std::string NodePresence::hold_bytes() const {
  return std::to_string(bus_.limits().offline_hold_bytes);
}

Result<void, std::string> NodePresence::join() {
  auto reaped = store_.call("bmcp_reap", {node_id_, hold_count(), hold_bytes()});
  if (!reaped)
    return Unexpected{reaped.error()};
  auto beat = store_.call("bmcp_heartbeat", {node_id_, std::to_string(options_.expiry.count())});
  if (!beat)
    return Unexpected{beat.error()};
  healthy_ = true;
  return {};
}

void NodePresence::tick() {
  std::vector<std::string> arguments{node_id_, std::to_string(options_.expiry.count())};
  for (const auto& state : bus_.feed().states()) {
    arguments.push_back(state.member);
    arguments.emplace_back(state.attached ? "1" : "0");
    arguments.push_back(std::to_string(state.offline_ms));
    arguments.push_back(fmt::format("{:.3f}", state.last_request_at));
  }
  store_.call_async(
      "bmcp_heartbeat", std::move(arguments), [this](Result<redis::Reply, std::string> reply) {
        const bool ok = reply && !reply->is_error();
        if (ok && reply->integer == 0) {
          spdlog::warn(
              "cluster: this node was taken for dead while it could not report; it takes its "
              "sessions back");
          bus_.reclaim_sessions();
        }
        if (ok != healthy_.exchange(ok)) {
          if (ok)
            spdlog::info("cluster: the shared store is reachable again");
          else
            spdlog::error("cluster: heartbeat failed: {}", reply ? reply->text : reply.error());
        }
      });
  bus_.report_queued();
  store_.call_async(
      "bmcp_reap", {"", hold_count(), hold_bytes()}, [](Result<redis::Reply, std::string> reply) {
        if (!reply || reply->is_error())
          return;
        for (const auto& node : reply->elements)
          spdlog::warn("cluster: node {} stopped reporting; its sessions wait for another node",
                       node.text);
      });
}

Result<std::vector<NodeState>, std::string> NodePresence::nodes() const {
  auto reply = store_.call("bmcp_nodes", {});
  if (!reply)
    return Unexpected{reply.error()};
  if (reply->is_error())
    return Unexpected{reply->text};
  std::vector<NodeState> states;
  for (const auto& entry : reply->elements) {
    if (entry.elements.size() < 3)
      continue;
    NodeState state;
    state.node_id = entry.elements[0].text;
    double since_expiry_ms = 0;
    try {
      since_expiry_ms = std::stod(entry.elements[1].text);
    } catch (const std::exception&) {
      continue;
    }
    state.seconds_until_expiry = -since_expiry_ms / 1000.0;
    state.alive = since_expiry_ms < 0;
    state.sessions = static_cast<std::size_t>(std::max<long long>(0, entry.elements[2].integer));
    states.push_back(std::move(state));
  }
  return states;
}

}  // namespace bmcp::cluster
