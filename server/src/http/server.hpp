#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "core/result.hpp"
#include "core/scheduler.hpp"
#include "http/connection_limit.hpp"
#include "http/response_stream.hpp"
#include "http/server_stats.hpp"

namespace bmcp::http {

struct ServerLimits {
  std::size_t max_body_bytes = 16u << 20;          // 413 beyond
  std::size_t max_header_bytes = 16u << 10;        // 431 beyond
  std::chrono::seconds read_timeout{30};           // a request, or the wait for the next one
  std::chrono::seconds write_timeout{30};          // one complete (non-stream) response
  std::chrono::seconds keepalive_interval{15};     // `: keepalive` on open event streams
  std::size_t max_stream_buffer_bytes = 8u << 20;  // queued SSE bytes before a slow client is cut
  // How long a request's event-stream answer (start_events without watch_disconnect) holds its
  // header back for its first events, so that an answer ready by then costs one write and one
  // wake-up of the client; long-lived (watched) streams send their header at once.
  std::chrono::milliseconds request_header_hold{20};
  // Connections served normally at once (ConnectionLimit); `serve` derives it from the
  // descriptor limit (effective_max_connections).
  std::size_t max_connections = 1000;
  // Connections beyond it that still get one request read, within `over_limit_read_timeout`:
  // a GET of a path in ServerOptions::served_over_limit is served, anything else answered 503.
  // Connections beyond both are closed at once.
  std::size_t over_limit_reserve = kHealthReserve;
  std::chrono::seconds over_limit_read_timeout{2};
};

struct ServerOptions {
  std::string host = "127.0.0.1";
  std::uint16_t port = 8000;  // 0 picks a free port
  std::size_t threads = 2;
  // After its last event an I/O thread keeps polling for new ones this long before it sleeps in
  // epoll_wait. An event that comes within it (the next request of a busy client, a Blender's
  // reply to a dispatch) is handled without waking a sleeping thread, which costs tens of
  // microseconds on a virtual machine; the price is a core kept busy while traffic flows. Worth
  // it when each I/O thread has a core of its own; 0 (the default) sleeps at once.
  std::chrono::microseconds busy_poll{0};
  ServerLimits limits;
  // Paths whose GET is served on a connection over the limit (the health check).
  std::vector<std::string> served_over_limit;
};

// HTTP/1.1 server on Boost.Beast: accepts connections, reads requests within the limits,
// hands each to `handler` as plain data and writes what the handler answers, full or as an
// event stream. Handlers run on the connection's strand and must not block.
// Overload: at most `limits.max_connections` connections are served (plus the health reserve,
// see ServerLimits), and when accept() fails for lack of descriptors or memory the accept loop
// pauses (AcceptBackoff) instead of retrying at once; both are logged at most once per 10 s.
class HttpServer {
 public:
  HttpServer(ServerOptions options, Handler handler);
  ~HttpServer();
  HttpServer(const HttpServer&) = delete;
  HttpServer& operator=(const HttpServer&) = delete;

  // Binds and listens. Returns the bound port.
  Result<std::uint16_t> listen();
  // Serves on the configured number of threads until stop(); SIGINT/SIGTERM call
  // `on_signal` (which should end sessions, then call stop()).
  void run(std::function<void()> on_signal);
  // Stops accepting and ends the I/O loop. Thread safe.
  void stop();
  // Timers on the server's I/O threads.
  Scheduler& scheduler();
  // Every response this server started, by status, and its open event streams.
  const ServerStats& stats() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace bmcp::http
