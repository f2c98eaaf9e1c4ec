#pragma once

#include <atomic>
#include <chrono>
#include <functional>
#include <string>
#include <vector>

#include "cluster/redis_bus.hpp"
#include "cluster/shared_store.hpp"

namespace bmcp::cluster {

// One node of the cluster as the shared store knows it.
struct NodeState {
  std::string node_id;
  bool alive = false;               // its heartbeat has not expired
  double seconds_until_expiry = 0;  // negative once expired
  std::size_t sessions = 0;         // sessions it serves
};

struct PresenceOptions {
  // How often the node reports itself, and how long after its last report it counts as dead
  // (its sessions are then ended by whichever node sweeps first).
  std::chrono::milliseconds interval{1000};
  std::chrono::milliseconds expiry{10000};
};

// A node's presence in the cluster: its heartbeat (the node's expiry and the state of its
// sessions' streams, so that every node can tell whether a client is online) and the sweep
// that releases the sessions of dead nodes (another node takes them over, or they end). tick() does
// both; the server calls it every interval. Thread safety: tick() and join() are safe from any
// thread.
class NodePresence {
 public:
  // When the node finds that the cluster took it for dead (it could not report for longer
  // than the expiry) and released its sessions, it takes back those it still feeds.
  NodePresence(SharedStore& store, RedisBus& bus, std::string node_id, PresenceOptions options);

  // Ends what the store still has of this node id from an earlier run, and reports the node.
  Result<void, std::string> join();
  void tick();
  // Whether the last heartbeat reached the store.
  bool healthy() const { return healthy_.load(); }
  // Every node the store knows (alive or not yet reaped), by node id; an error when the store
  // cannot be read.
  Result<std::vector<NodeState>, std::string> nodes() const;

 private:
  std::string hold_count() const;
  std::string hold_bytes() const;

  SharedStore& store_;
  RedisBus& bus_;
  const std::string node_id_;
  const PresenceOptions options_;
  std::atomic<bool> healthy_{false};
};

}  // namespace bmcp::cluster
