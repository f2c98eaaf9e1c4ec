#pragma once

#include <chrono>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "core/result.hpp"
#include "redis/redis_url.hpp"
#include "redis/reply.hpp"

namespace bmcp::redis {

struct ClientOptions {
  // A command without a reply after this long fails with a timeout error (its reply, if it
  // comes later, is ignored).
  std::chrono::milliseconds command_timeout{5000};
  // Waits between connection attempts: doubling from min to max, reset once connected.
  std::chrono::milliseconds reconnect_min{100};
  std::chrono::milliseconds reconnect_max{2000};
};

struct ClientStatus {
  bool connected = false;
  std::string last_error;  // why the last connection failed or ended; empty if none did
};

// One connection to a Redis server (hiredis, asynchronous), with its own I/O thread. It
// connects in the background, authenticates and selects the database of the endpoint, and
// reconnects by itself after a failure. Commands are pipelined in the order they are issued.
// A command issued while the connection is down fails at once (never hangs), and one issued
// before a connection is lost fails when it is lost.
// Thread safety: all methods are safe from any thread. Callbacks run on the client's I/O
// thread, one at a time, and must be quick (hand heavy work to another thread).
class Client {
 public:
  using Callback = std::function<void(Result<Reply, std::string>)>;

  explicit Client(RedisEndpoint endpoint, ClientOptions options = {});
  ~Client();
  Client(const Client&) = delete;
  Client& operator=(const Client&) = delete;

  // Starts the I/O thread and the first connection attempt.
  void start();
  // Closes the connection (pending commands fail) and joins the I/O thread. Idempotent.
  void stop();

  // Sends one command (its arguments binary-safe). Exactly one call of `done` follows: the
  // reply (an error reply is a Reply of type kError), or the reason it could not be had.
  void command(std::vector<std::string> arguments, Callback done);
  // command() and wait for its answer, at most the command timeout. Not from the I/O thread.
  Result<Reply, std::string> run(std::vector<std::string> arguments);

  using MessageHandler =
      std::function<void(const std::string& channel, const std::string& message)>;
  // Puts the connection in subscriber mode (from then on only subscribe() and unsubscribe()
  // may be used on it: use a second Client for commands). Subscribes to `channel` now and
  // again after every reconnection; its messages go to `handler` on the I/O thread. Messages
  // published while the connection was down are not seen (pub/sub keeps nothing).
  // `subscribed` (optional) runs on the I/O thread each time Redis confirms the subscription,
  // the first time and after every reconnection: messages published before that were not
  // seen, so whoever missed some can look for what they announced then.
  void subscribe(std::string channel, MessageHandler handler,
                 std::function<void()> subscribed = {});
  void unsubscribe(std::string channel);

  ClientStatus status() const;
  const RedisEndpoint& endpoint() const;

 private:
  struct Impl;
  std::shared_ptr<Impl> impl_;
};

}  // namespace bmcp::redis
