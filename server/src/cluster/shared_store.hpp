#pragma once

#include <atomic>
#include <chrono>
#include <memory>
#include <string>
#include <vector>

#include "core/result.hpp"
#include "redis/client.hpp"

namespace bmcp::cluster {

// The cluster's shared store as the other cluster classes use it: a command connection that
// calls the bus library's functions (loading the library when Redis does not have it, e.g.
// after Redis restarted without persistence) and a second connection for wake-ups.
// A Redis that stops answering without closing the connection (frozen, overloaded) would make
// every call wait out the command timeout: after one command timed out the store counts as
// stalled, and waiting calls fail at once until an asynchronous command (the node's heartbeat,
// every second) is answered again.
// Thread safety: all methods are safe from any thread.
class SharedStore {
 public:
  SharedStore(redis::RedisEndpoint endpoint, redis::ClientOptions options);
  ~SharedStore();

  // Starts both connections, waits up to `connect_wait` for the command connection and loads
  // the library. An error when Redis cannot be reached in that time or refuses the library;
  // the connections keep trying either way (a call loads the library when Redis lacks it).
  Result<void, std::string> start(
      std::chrono::milliseconds connect_wait = std::chrono::milliseconds(5000));
  void stop();

  // FCALL `function` 0 `arguments...` and wait for the answer (at most the command timeout).
  // An error reply or an unreachable store is an error text naming what failed.
  Result<redis::Reply, std::string> call(const std::string& function,
                                         std::vector<std::string> arguments);
  // The same without waiting; `done` runs on the store's I/O thread.
  void call_async(const std::string& function, std::vector<std::string> arguments,
                  redis::Client::Callback done);
  // Any other command, waiting for its answer (at most the command timeout).
  Result<redis::Reply, std::string> command(std::vector<std::string> arguments);
  // Any other command, without waiting.
  void command_async(std::vector<std::string> arguments, redis::Client::Callback done);

  redis::Client& subscriber() { return subscriber_; }
  // Whether the command connection is up and answering, and why not.
  redis::ClientStatus status() const;

 private:
  Result<void, std::string> load_library();
  // Notes whether an answer (or its absence) shows the store stalled.
  void observe(const Result<redis::Reply, std::string>& answer);
  Result<redis::Reply, std::string> run(std::vector<std::string> command);

  redis::Client commands_;
  redis::Client subscriber_;
  std::atomic<bool> stalled_{false};
};

// "the shared store (Redis at HOST:PORT) ..." sentences for errors.
std::string unreachable_detail(const std::string& reason);

}  // namespace bmcp::cluster
