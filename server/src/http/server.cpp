#include "http/server.hpp"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <array>
#include <atomic>
#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/dispatch.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core/buffers_suffix.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http.hpp>
#include <boost/container/small_vector.hpp>
#include <charconv>
#include <csignal>
#include <deque>
#include <memory_resource>
#include <mutex>
#include <optional>
#include <string_view>
#include <thread>
#include <utility>
#include <vector>

#include "core/report_throttle.hpp"
#include "http/accept_backoff.hpp"
#include "http/asio_scheduler.hpp"
#include "http/connection_limit.hpp"

namespace bmcp::http {
namespace {

namespace net = boost::asio;
namespace beast = boost::beast;
namespace bhttp = boost::beast::http;
using tcp = net::ip::tcp;
constexpr auto kTuple = net::as_tuple(net::use_awaitable);

class ConnectionResponse;

// The response whose request handler is running on this thread (run_connection), and the other
// responses that handler has notified. The handler's own response needs no wake-up: the
// connection reads it when the handler returns. Their wake-ups run when it returns
// (run_deferred_wakeups): outside every lock the handler held, so on this thread and at once for
// each whose strand is free, instead of as handlers posted to the I/O threads' queue. A broadcast
// to a thousand event streams is written in that one turn, and an answer a handler gives another
// request (a job's reply settles the dispatch call that waits for it) goes out before the
// handler's own.
thread_local const ConnectionResponse* t_handling = nullptr;
thread_local std::vector<std::shared_ptr<ConnectionResponse>> t_deferred;

// The connection's side of a ResponseStream. Handlers fill it from any thread; the connection
// coroutine drains it on its strand. `signal_` is the wake-up: it is only touched on the strand.
class ConnectionResponse final : public ResponseStream,
                                 public std::enable_shared_from_this<ConnectionResponse> {
 public:
  enum class Mode { kPending, kFull, kEvents };

  ConnectionResponse(const net::any_io_executor& strand, const ServerLimits& limits)
      : signal_(strand), limits_(limits) {}

  void respond(HttpResponse response) override {
    {
      std::lock_guard lock(mutex_);
      if (mode_ != Mode::kPending || finished_)
        return;
      full_ = std::move(response);
      mode_ = Mode::kFull;
    }
    notify();
  }

  void start_events(Headers extra, bool watch_disconnect) override {
    {
      std::lock_guard lock(mutex_);
      if (mode_ != Mode::kPending || finished_)
        return;
      event_headers_ = std::move(extra);
      watch_disconnect_ = watch_disconnect;
      mode_ = Mode::kEvents;
    }
    notify();
  }

  bool push_event(std::shared_ptr<const std::string> frame) override {
    bool accepted = false;
    {
      std::lock_guard lock(mutex_);
      if (mode_ != Mode::kEvents || finished_ || end_requested_ || overflow_)
        return false;
      if (frame->size() > limits_.max_stream_buffer_bytes - buffered_bytes_) {
        overflow_ = true;
      } else {
        buffered_bytes_ += frame->size();
        frames_.push_back(std::move(frame));
        accepted = true;
      }
    }
    notify();
    return accepted;
  }

  std::size_t event_room() const override {
    std::lock_guard lock(mutex_);
    // Less than all the room: the asker may wait for it, so the next write calls back.
    if (buffered_bytes_ > 0)
      room_asked_ = true;
    return limits_.max_stream_buffer_bytes - buffered_bytes_;
  }

  std::size_t event_capacity() const override { return limits_.max_stream_buffer_bytes; }

  void on_drained(std::function<void()> callback) override {
    std::lock_guard lock(mutex_);
    auto callbacks = drained_callbacks_ ? std::make_shared<DrainedCallbacks>(*drained_callbacks_)
                                        : std::make_shared<DrainedCallbacks>();
    callbacks->push_back(std::move(callback));
    drained_callbacks_ = std::move(callbacks);
  }

  void end() override {
    {
      std::lock_guard lock(mutex_);
      end_requested_ = true;
    }
    notify();
  }

  void on_close(std::function<void()> callback) override {
    {
      std::lock_guard lock(mutex_);
      if (!finished_) {
        close_callbacks_.push_back(std::move(callback));
        return;
      }
    }
    callback();
  }

  // --- connection side (strand only) ---
  struct Drained {
    Mode mode;
    std::optional<HttpResponse> full;
    // The frames to write; they stay counted in the buffer bound until written() is called.
    std::vector<std::shared_ptr<const std::string>> frames;
    std::size_t frame_bytes = 0;
    bool end_requested;
    bool overflow;
  };

  Drained drain() {
    Drained out{};
    drain_into(out);
    return out;
  }
  // drain() into `out`, whose frame vector keeps its capacity (DirectWriter's, reused).
  void drain_into(Drained& out) {
    out.frames.clear();
    out.frame_bytes = 0;
    std::lock_guard lock(mutex_);
    out.mode = mode_;
    out.full.reset();
    if (full_)
      out.full = std::move(*full_), full_.reset();
    out.end_requested = end_requested_;
    out.overflow = overflow_;
    for (auto& frame : frames_) {
      out.frame_bytes += frame->size();
      out.frames.push_back(std::move(frame));
    }
    frames_.clear();
  }

  // `bytes` of drained frames reached the socket: they leave the buffer bound, and producers
  // that may wait for room hear of it. (A broadcast's recipient, whose buffer was empty, costs
  // no callback.)
  void written(std::size_t bytes) {
    std::shared_ptr<const DrainedCallbacks> callbacks;
    {
      std::lock_guard lock(mutex_);
      buffered_bytes_ -= bytes;
      if (bytes == 0 || finished_ || !room_asked_)
        return;
      room_asked_ = false;
      callbacks = drained_callbacks_;
    }
    if (callbacks) {
      for (const auto& callback : *callbacks)
        callback();
    }
  }

  Mode mode() {
    std::lock_guard lock(mutex_);
    return mode_;
  }

  Headers take_event_headers() {
    std::lock_guard lock(mutex_);
    return std::move(event_headers_);
  }
  bool watch_disconnect() {
    std::lock_guard lock(mutex_);
    return watch_disconnect_;
  }

  // Waits for a wake-up or the deadline. True when woken.
  net::awaitable<bool> wait(SteadyTime deadline) {
    signal_.expires_at(deadline);
    auto [ec] = co_await signal_.async_wait(kTuple);
    co_return ec == net::error::operation_aborted;
  }

  void finish() {
    std::vector<std::function<void()>> callbacks;
    {
      std::lock_guard lock(mutex_);
      if (finished_)
        return;
      finished_ = true;
      callbacks.swap(close_callbacks_);
      drained_callbacks_.reset();
    }
    for (auto& callback : callbacks)
      callback();
  }

  void wake() { signal_.cancel(); }  // strand only

  std::function<void()> abort;  // closes the socket (a slow client); strand only
  bool client_gone = false;     // strand only
  // Installed by the event-stream writer only while it waits with nothing to send (strand
  // only): a wake-up then first offers the new events to it, and the writer's coroutine is
  // woken only when it returns false (see DirectWriter).
  std::function<bool()> write_now;

 private:
  bool overflow_flag() {
    std::lock_guard lock(mutex_);
    return overflow_;
  }

  void notify() {
    // The handler of this response's own request is running: the connection looks at the
    // response as soon as it returns (run_connection), so nothing needs waking.
    if (t_handling == this)
      return;
    if (t_handling != nullptr) {
      if (t_deferred.empty() || t_deferred.back().get() != this)
        t_deferred.push_back(shared_from_this());
      return;
    }
    net::post(signal_.get_executor(), [self = shared_from_this()] { self->on_notified(); });
  }

  // On the strand: new events go out directly when the writer is idle and they can (the direct
  // write sees an overflow too, and leaves it to the coroutine, which closes the connection);
  // otherwise the writer's coroutine is woken, and an overflow while it writes aborts.
  void on_notified() {
    if (write_now) {
      if (write_now())
        return;
    } else if (overflow_flag() && abort) {
      abort();
    }
    signal_.cancel();
  }

 public:
  // Runs the wake-ups the handler that just returned on this thread deferred (see t_deferred).
  static void run_deferred_wakeups() {
    auto deferred = std::exchange(t_deferred, {});
    for (auto& response : deferred) {
      auto executor = response->signal_.get_executor();
      net::dispatch(executor, [self = std::move(response)] { self->on_notified(); });
    }
  }

 private:
  net::steady_timer signal_;
  const ServerLimits& limits_;
  mutable std::mutex mutex_;
  Mode mode_ = Mode::kPending;
  std::optional<HttpResponse> full_;
  Headers event_headers_;
  bool watch_disconnect_ = false;
  std::deque<std::shared_ptr<const std::string>> frames_;
  std::size_t buffered_bytes_ = 0;  // queued or being written
  // event_room() was asked with frames buffered since the last drained callbacks ran.
  mutable bool room_asked_ = false;
  // Copied on write: written() takes a reference under the lock and calls them outside it.
  using DrainedCallbacks = std::vector<std::function<void()>>;
  std::shared_ptr<const DrainedCallbacks> drained_callbacks_;
  bool end_requested_ = false;
  bool overflow_ = false;
  bool finished_ = false;
  std::vector<std::function<void()>> close_callbacks_;
};

// A request's header fields are allocated from a buffer of its connection (RequestFields),
// not one heap allocation per field: the message lives only until to_request() copied it.
using FieldAllocator = std::pmr::polymorphic_allocator<char>;
using RequestMessage = bhttp::request<bhttp::string_body, bhttp::basic_fields<FieldAllocator>>;

// The buffer for one request's fields at a time; beyond it, fields come from the heap.
class RequestFields {
 public:
  // A fresh arena for the next request (the previous request's message is gone).
  FieldAllocator next() {
    arena_.emplace(buffer_.data(), buffer_.size());
    return FieldAllocator(&*arena_);
  }

 private:
  // Typical MCP request headers (a bearer token of ~300 bytes, a session id, a handful of
  // short fields) fit, with Beast's per-field bookkeeping.
  std::array<std::byte, 1536> buffer_;
  std::optional<std::pmr::monotonic_buffer_resource> arena_;
};

HttpRequest to_request(RequestMessage& in, const std::string& remote) {
  HttpRequest out;
  out.method = std::string(in.method_string());
  out.target = std::string(in.target());
  out.path = out.target.substr(0, out.target.find('?'));
  out.headers.reserve(static_cast<std::size_t>(std::distance(in.begin(), in.end())));
  for (const auto& field : in) {
    out.headers.add(std::string(field.name_string()), std::string(field.value()));
  }
  out.body = std::move(in.body());
  out.remote_address = remote;
  return out;
}

net::awaitable<bool> write_full(beast::tcp_stream& stream, HttpResponse response, bool keep_alive,
                                const ServerLimits& limits) {
  bhttp::response<bhttp::string_body> out{static_cast<bhttp::status>(response.status), 11};
  for (const auto& [name, value] : response.headers.fields())
    out.insert(name, value);
  out.keep_alive(keep_alive);
  out.body() = std::move(response.body);
  out.prepare_payload();
  stream.expires_after(limits.write_timeout);
  auto [ec, written] = co_await bhttp::async_write(stream, out, kTuple);
  co_return !ec && keep_alive;
}

// Notices a client that closes a long-lived stream; the stream's connection never reads
// another request, so any completion means the client is gone.
net::awaitable<void> watch_for_disconnect(tcp::socket& socket,
                                          std::shared_ptr<ConnectionResponse> response) {
  char scratch[256];
  co_await socket.async_read_some(net::buffer(scratch), kTuple);
  response->client_gone = true;
  response->abort = nullptr;
  response->wake();
}

// The status line and fields of an event-stream response, as bytes, so they can go out in
// one write with the first events. Written out directly (one allocation) rather than through
// Beast's fields and serializer (one allocation per field); the extra fields are the server's
// own (a session id), never a client's text.
std::string event_stream_header(const Headers& extra, bool keep_alive) {
  static constexpr std::string_view kFixed =
      "HTTP/1.1 200 OK\r\n"
      "Content-Type: text/event-stream\r\n"
      "Cache-Control: no-cache\r\n"
      "X-Accel-Buffering: no\r\n";
  std::string text;
  text.reserve(256);
  text += kFixed;
  for (const auto& [name, value] : extra.fields()) {
    text += name;
    text += ": ";
    text += value;
    text += "\r\n";
  }
  if (!keep_alive)
    text += "Connection: close\r\n";
  text += "Transfer-Encoding: chunked\r\n\r\n";
  return text;
}

// What an event stream has ready to send, gathered into one write: the header while it has not
// been sent, the queued events as one chunk, and the last chunk once the response ended. A
// response that is complete when the connection first looks at it (a request's SSE answer
// with its result) therefore costs a single write. The buffers point into the frames (no copy;
// `frames` keeps them alive) and into this object; a few frames need no allocation.
class EventWrite {
 public:
  using Frames = std::vector<std::shared_ptr<const std::string>>;

  EventWrite(const std::string* header, const Frames& frames, bool last) {
    if (header != nullptr)
      buffers_.emplace_back(net::buffer(*header));
    if (!frames.empty()) {
      std::size_t bytes = 0;
      for (const auto& frame : frames)
        bytes += frame->size();
      // A chunk: its size in hex, CRLF, the data, CRLF.
      buffers_.emplace_back(size_line_, write_size_line(bytes));
      for (const auto& frame : frames)
        buffers_.emplace_back(net::buffer(*frame));
      buffers_.emplace_back(kCrlf.data(), kCrlf.size());
    }
    if (last)
      buffers_.emplace_back(kLastChunk.data(), kLastChunk.size());
  }
  // buffers_ points into this object.
  EventWrite(const EventWrite&) = delete;
  EventWrite& operator=(const EventWrite&) = delete;

  bool empty() const { return buffers_.empty(); }
  const boost::container::small_vector<net::const_buffer, 8>& buffers() const { return buffers_; }

 private:
  // "<hex>\r\n" into size_line_; its length.
  std::size_t write_size_line(std::size_t bytes) {
    char* end = std::to_chars(size_line_, size_line_ + sizeof size_line_ - 2, bytes, 16).ptr;
    *end++ = '\r';
    *end++ = '\n';
    return static_cast<std::size_t>(end - size_line_);
  }

  static constexpr std::string_view kCrlf = "\r\n";
  static constexpr std::string_view kLastChunk = "0\r\n\r\n";  // no trailer fields
  char size_line_[2 * sizeof(std::size_t) + 2];
  boost::container::small_vector<net::const_buffer, 8> buffers_;
};

// Events that went out on the notifying handler's own turn, without the coroutine. Waking the
// coroutine for each event costs a timer completion, a coroutine resumption and an asynchronous
// write op with its completion (a broadcast to a thousand streams pays that a thousand times);
// a stream whose writer is idle and whose socket takes the events whole is written at once
// instead, with one non-blocking send. The same goes for a request's answer that arrives later
// (a dispatch's envelope when its job is answered): its held-back header, its events and its
// last chunk go out in that one send, and the coroutine, woken, finds the response complete
// (ended()). Whatever the socket does not take whole (a slow client), an overflow, and the end
// of a stream whose header went out before are left to the coroutine: `leftover` holds the
// drained frames and how many of their bytes already went out, and it writes the rest before
// anything else. Strand only, like the coroutine; armed only while it waits in wait(), never
// during one of its writes.
class DirectWriter {
 public:
  struct Leftover {
    ConnectionResponse::Drained drained;
    std::size_t bytes_sent = 0;
    std::optional<std::string> header;  // the header, when the attempted write began with it
  };

  // `unsent_header` is the coroutine's: a direct write that sends it resets it. Not for
  // watched streams (their header goes out at once, with a disconnect watch).
  DirectWriter(tcp::socket& socket, ConnectionResponse& response,
               std::optional<std::string>& unsent_header)
      : socket_(socket), response_(response), unsent_header_(unsent_header) {}
  DirectWriter(const DirectWriter&) = delete;
  DirectWriter& operator=(const DirectWriter&) = delete;
  ~DirectWriter() { disarm(); }

  void arm() {
    response_.write_now = [this] { return write(); };
  }
  void disarm() { response_.write_now = nullptr; }

  std::optional<Leftover> take_leftover() { return std::exchange(leftover_, std::nullopt); }
  SteadyTime last_write() const { return last_write_; }
  // The whole response went out in a direct write (header, events and last chunk).
  bool ended() const { return ended_; }

 private:
  // True when everything queued went out (or nothing was queued): the coroutine sleeps on.
  bool write() {
    // A wake-up already handed something to the coroutine, which has not run yet: what came
    // since waits for it too, behind that, in order.
    if (leftover_)
      return false;
    auto& drained = drained_;
    response_.drain_into(drained);
    if (drained.frames.empty() && !drained.end_requested)
      return true;
    // The end goes out here only together with the header: the whole answer in one send.
    const bool whole_answer = drained.end_requested && unsent_header_;
    std::size_t sent = 0;
    if ((!drained.end_requested || whole_answer) && !drained.overflow) {
      const EventWrite write(unsent_header_ ? &*unsent_header_ : nullptr, drained.frames,
                             drained.end_requested);
      beast::error_code ec;
      sent = socket_.write_some(write.buffers(), ec);  // the socket is non-blocking
      if (ec)
        sent = 0;  // would block, or failed: the coroutine's write finds out which
      // From here the header, if this write had it, is sent or travels with the leftover.
      auto header = std::exchange(unsent_header_, std::nullopt);
      if (sent == net::buffer_size(write.buffers())) {
        drained.frames.clear();  // the frames go now; the vector's capacity stays
        response_.written(drained.frame_bytes);
        last_write_ = std::chrono::steady_clock::now();
        ended_ = drained.end_requested;
        return !ended_;  // an ended response wakes the coroutine, which returns
      }
      leftover_.emplace(Leftover{std::move(drained), sent, std::move(header)});
      return false;
    }
    leftover_.emplace(Leftover{std::move(drained), sent, std::nullopt});
    return false;
  }

  tcp::socket& socket_;
  ConnectionResponse& response_;
  std::optional<std::string>& unsent_header_;
  ConnectionResponse::Drained drained_{};  // reused: its frame vector keeps its capacity
  std::optional<Leftover> leftover_;
  bool ended_ = false;
  SteadyTime last_write_ = SteadyTime::min();  // min() + an interval is still long ago
};

net::awaitable<bool> write_events(beast::tcp_stream& stream,
                                  std::shared_ptr<ConnectionResponse> response, bool keep_alive,
                                  const ServerLimits& limits) {
  const bool watch = response->watch_disconnect();
  const SteadyTime header_due =
      watch ? SteadyTime::min() : std::chrono::steady_clock::now() + limits.request_header_hold;
  std::optional<std::string> unsent_header =
      event_stream_header(response->take_event_headers(), keep_alive && !watch);
  auto& socket = stream.socket();
  // Event streams live long: no per-operation timeout; a stuck client is cut by the buffer
  // bound (abort) instead.
  stream.expires_never();
  // Asynchronous operations are not affected; DirectWriter's send must not block. The mode
  // stays set for the connection's later responses, and is only asked of the kernel once.
  if (!socket.non_blocking()) {
    beast::error_code ignored;
    socket.non_blocking(true, ignored);
  }
  DirectWriter direct(socket, *response, unsent_header);
  auto next_keepalive = std::chrono::steady_clock::now() + limits.keepalive_interval;
  for (;;) {
    // What a direct write drained but could not send whole goes first: its first
    // `already_sent` bytes are on the wire (DirectWriter::Leftover).
    auto leftover = direct.take_leftover();
    const std::size_t already_sent = leftover ? leftover->bytes_sent : 0;
    std::optional<std::string> leftover_header;
    if (leftover)
      leftover_header = std::move(leftover->header);
    auto drained = leftover ? std::move(leftover->drained) : response->drain();
    if (drained.overflow || response->client_gone)
      co_return false;
    // The header goes with the first events, or alone once it is due (at once on a watched
    // stream, whose clients take it as "the stream is open"): a client waits for it.
    // ServerLimits::request_header_hold says why a request's answer holds it back.
    const bool has_events = !drained.frames.empty() || drained.end_requested;
    const bool send_header =
        unsent_header && (has_events || std::chrono::steady_clock::now() >= header_due);
    const std::string* header =
        leftover_header ? &*leftover_header : (send_header ? &*unsent_header : nullptr);
    const EventWrite write(header, drained.frames, drained.end_requested);
    if (!write.empty()) {
      beast::buffers_suffix<boost::container::small_vector<net::const_buffer, 8>> rest(
          write.buffers());
      rest.consume(already_sent);
      // Sent at once when the socket takes it (it is non-blocking): a request's answer that is
      // ready when the handler returns then costs no suspension and no posted completion. What
      // the socket does not take goes out asynchronously.
      beast::error_code ec;
      rest.consume(socket.write_some(rest, ec));
      if (ec && ec != net::error::would_block)
        co_return false;
      if (net::buffer_size(rest) > 0) {
        auto [write_ec, n] = co_await net::async_write(socket, rest, kTuple);
        if (write_ec)
          co_return false;
      }
      response->written(drained.frame_bytes);
      if (drained.end_requested)
        co_return keep_alive && !watch;
      if (unsent_header && watch) {
        net::co_spawn(socket.get_executor(), watch_for_disconnect(socket, response), net::detached);
      }
      unsent_header.reset();
      if (!drained.frames.empty())
        next_keepalive = std::chrono::steady_clock::now() + limits.keepalive_interval;
      continue;
    }
    // Idle: new events, or a request's whole answer, may go out at once (DirectWriter). A
    // watched stream's header always went out first.
    if (!(unsent_header && watch))
      direct.arm();
    const bool woken = co_await response->wait(unsent_header ? std::min(header_due, next_keepalive)
                                                             : next_keepalive);
    direct.disarm();
    if (direct.ended())
      co_return keep_alive && !watch;
    if (!woken) {
      if (unsent_header)
        continue;  // the header is due: it goes out first, alone
      // Events written directly count as traffic: no keep-alive comment is due before the
      // interval has passed since the last of them (never written: long ago).
      const auto quiet_until = direct.last_write() + limits.keepalive_interval;
      if (std::chrono::steady_clock::now() < quiet_until) {
        next_keepalive = quiet_until;
        continue;
      }
      static const std::string kKeepalive = ": keepalive\n\n";
      auto [ec, n] =
          co_await net::async_write(socket, bhttp::make_chunk(net::buffer(kKeepalive)), kTuple);
      if (ec)
        co_return false;
      next_keepalive = std::chrono::steady_clock::now() + limits.keepalive_interval;
    }
  }
}

// One event stream in ServerStats::open_streams for as long as it lives.
class OpenStreamCount {
 public:
  explicit OpenStreamCount(ServerStats& stats) : stats_(stats) { stats_.stream_opened(); }
  ~OpenStreamCount() { stats_.stream_closed(); }
  OpenStreamCount(const OpenStreamCount&) = delete;
  OpenStreamCount& operator=(const OpenStreamCount&) = delete;

 private:
  ServerStats& stats_;
};

// Writes whatever the handler decides. True when the connection may serve another request.
net::awaitable<bool> serve_response(beast::tcp_stream& stream,
                                    std::shared_ptr<ConnectionResponse> response, bool keep_alive,
                                    const ServerLimits& limits, ServerStats& stats) {
  for (;;) {
    const auto mode = response->mode();
    if (mode == ConnectionResponse::Mode::kFull) {
      auto drained = response->drain();
      stats.count_response(drained.full->status);
      co_return co_await write_full(stream, std::move(*drained.full), keep_alive, limits);
    }
    if (mode == ConnectionResponse::Mode::kEvents) {
      stats.count_response(200);
      // Counted open until the stream ends, however it ends (also when the coroutine is
      // destroyed at shutdown without resuming).
      const OpenStreamCount open(stats);
      co_return co_await write_events(stream, response, keep_alive, limits);
    }
    co_await response->wait(SteadyTime::max());
  }
}

HttpResponse read_error_response(const beast::error_code& ec) {
  if (ec == bhttp::error::body_limit)
    return detail_response(413, "Request body too large");
  if (ec == bhttp::error::header_limit)
    return detail_response(431, "Request headers too large");
  return detail_response(400, "Malformed HTTP request");
}

// The answer to a request on a connection over the limit that is not a health check.
HttpResponse busy_response() {
  auto response = detail_response(503, "Too many connections; try again later");
  response.headers.set("Retry-After", "1");
  return response;
}

// accept() failed because the process or the system ran out of descriptors or memory: the
// next attempt would fail at once as well, so the accept loop pauses.
bool out_of_resources(const beast::error_code& ec) {
  return ec == net::error::no_descriptors || ec == net::error::no_buffer_space ||
         ec == net::error::no_memory || ec == boost::system::errc::too_many_files_open_in_system;
}

// How often overload is logged: a storm costs a handful of lines, not one per connection.
constexpr auto kOverloadReportInterval = std::chrono::seconds(10);

bool worth_answering(const beast::error_code& ec) {
  return ec.category() == beast::error_code(bhttp::error::body_limit).category() &&
         ec != bhttp::error::end_of_stream && ec != bhttp::error::partial_message;
}

}  // namespace

struct HttpServer::Impl {
  Impl(ServerOptions opts, Handler h)
      : options(std::move(opts)),
        handler(std::move(h)),
        connections(options.limits.max_connections, options.limits.over_limit_reserve),
        accept_strand(net::make_strand(io)),
        acceptor(io),
        signals(io),
        scheduler(io) {}

  bool served_over_limit(const HttpRequest& request) const {
    return request.method == "GET" &&
           std::find(options.served_over_limit.begin(), options.served_over_limit.end(),
                     request.path) != options.served_over_limit.end();
  }

  // Serves one connection until it closes. A connection over the limit gets one request read
  // within the short timeout and is closed after the answer (ServerLimits::over_limit_reserve).
  // `slot` holds the connection's place until the coroutine ends.
  net::awaitable<void> run_connection(beast::tcp_stream stream, ConnectionLimit::Slot slot) {
    const bool over_limit = slot.admission() == ConnectionLimit::Admission::kOverLimit;
    const auto executor = co_await net::this_coro::executor;
    beast::error_code endpoint_ec;
    const auto remote = stream.socket().remote_endpoint(endpoint_ec);
    const std::string remote_address = endpoint_ec ? "" : remote.address().to_string();
    beast::flat_buffer buffer;
    // Beast reads at most the buffer's free capacity (512 bytes at least): from an empty buffer
    // a typical MCP request (headers with a bearer token, then the body: 700-2,000 bytes) took
    // two recvmsg calls. 4 KiB takes it in one.
    buffer.reserve(4096);
    RequestFields request_fields;
    for (;;) {
      bhttp::request_parser<bhttp::string_body, FieldAllocator> parser(
          std::piecewise_construct, std::make_tuple(), std::make_tuple(request_fields.next()));
      parser.header_limit(static_cast<std::uint32_t>(options.limits.max_header_bytes));
      parser.body_limit(options.limits.max_body_bytes);
      stream.expires_after(over_limit ? options.limits.over_limit_read_timeout
                                      : options.limits.read_timeout);
      auto [ec, n] = co_await bhttp::async_read(stream, buffer, parser, kTuple);
      if (ec) {
        if (worth_answering(ec)) {
          auto error = read_error_response(ec);
          stats.count_response(error.status);
          co_await write_full(stream, std::move(error), false, options.limits);
        }
        break;
      }
      auto& message = parser.get();
      const bool keep_alive = message.keep_alive() && !over_limit;
      auto request = to_request(message, remote_address);
      if (over_limit && !served_over_limit(request)) {
        stats.count_response(503);
        co_await write_full(stream, busy_response(), false, options.limits);
        break;
      }
      auto response = std::make_shared<ConnectionResponse>(executor, options.limits);
      response->abort = [&stream] {
        beast::error_code ignored;
        stream.socket().close(ignored);
      };
      t_handling = response.get();
      try {
        handler(std::move(request), response);
      } catch (const std::exception& e) {
        spdlog::error("request handler failed: {}", e.what());
        response->respond(detail_response(500, "Internal Server Error"));
      }
      t_handling = nullptr;
      ConnectionResponse::run_deferred_wakeups();
      const bool reusable =
          co_await serve_response(stream, response, keep_alive, options.limits, stats);
      response->abort = nullptr;
      response->finish();
      if (!reusable)
        break;
    }
    beast::error_code ignored;
    stream.socket().shutdown(tcp::socket::shutdown_send, ignored);
    stream.socket().close(ignored);
  }

  void start_connection(tcp::socket socket,
                        const net::strand<net::io_context::executor_type>& strand,
                        ConnectionLimit::Slot slot) {
    beast::error_code ignored;
    socket.set_option(tcp::no_delay(true), ignored);
    net::co_spawn(strand, run_connection(beast::tcp_stream(std::move(socket)), std::move(slot)),
                  [](std::exception_ptr error) {
                    if (!error)
                      return;
                    try {
                      std::rethrow_exception(error);
                    } catch (const std::exception& e) {
                      spdlog::warn("connection ended by an error: {}", e.what());
                    }
                  });
  }

  // Accepts until the acceptor closes. Never spins: a failure for lack of resources pauses the
  // loop (AcceptBackoff; the waiting connections stay in the listen backlog), and failures and
  // connections over the limit are logged at most once per kOverloadReportInterval. Runs on
  // accept_strand, as does stop()'s close of the acceptor (which is not thread safe).
  net::awaitable<void> accept_loop() {
    AcceptBackoff backoff;
    ReportThrottle failure_reports(kOverloadReportInterval);
    ReportThrottle over_limit_reports(kOverloadReportInterval);
    net::steady_timer pause(io);
    for (;;) {
      auto strand = net::make_strand(io);
      auto [ec, socket] = co_await acceptor.async_accept(strand, kTuple);
      const auto now = std::chrono::steady_clock::now();
      if (ec) {
        if (ec == net::error::operation_aborted || !acceptor.is_open())
          co_return;
        if (const auto failures = failure_reports.count(now)) {
          spdlog::warn("accept failed {} time(s) since the last report, last: {}", *failures,
                       ec.message());
        }
        if (out_of_resources(ec)) {
          pause.expires_after(backoff.after_failure());
          co_await pause.async_wait(kTuple);
          if (!acceptor.is_open())
            co_return;
        }
        continue;
      }
      backoff.reset();
      if (const auto failures = failure_reports.flush(now)) {
        spdlog::warn("accepting again after {} more accept failure(s)", *failures);
      }
      auto slot = connections.admit();
      if (slot.admission() != ConnectionLimit::Admission::kServe) {
        if (const auto over = over_limit_reports.count(now)) {
          spdlog::warn(
              "{} connection(s) over the limit of {} since the last report: up to {} at a time "
              "may ask for the health check, the others are closed",
              *over, connections.max_connections(), connections.reserve());
        }
      }
      if (slot.admission() == ConnectionLimit::Admission::kRefuse) {
        beast::error_code ignored;
        socket.close(ignored);
        continue;
      }
      start_connection(std::move(socket), strand, std::move(slot));
    }
  }

  ServerOptions options;
  Handler handler;
  ConnectionLimit connections;
  net::io_context io;
  // Serializes the accept loop and stop(): only they use `acceptor` once run() has started.
  net::strand<net::io_context::executor_type> accept_strand;
  tcp::acceptor acceptor;
  net::signal_set signals;
  AsioScheduler scheduler;
  ServerStats stats;
};

namespace {

// One I/O thread's loop: io_context::run(), or with `busy_poll` a loop that handles ready work
// (poll() asks epoll without waiting) and sleeps in run_one() only once nothing has come for
// `busy_poll`. Both end when the io_context stops.
void run_io_thread(net::io_context& io, std::chrono::microseconds busy_poll) {
  if (busy_poll.count() <= 0) {
    io.run();
    return;
  }
  using Clock = std::chrono::steady_clock;
  auto last_work = Clock::now();
  while (!io.stopped()) {
    if (io.poll() > 0) {
      last_work = Clock::now();
    } else if (Clock::now() - last_work >= busy_poll) {
      if (io.run_one() == 0)
        return;
      last_work = Clock::now();
    }
  }
}

}  // namespace

HttpServer::HttpServer(ServerOptions options, Handler handler)
    : impl_(std::make_unique<Impl>(std::move(options), std::move(handler))) {}

HttpServer::~HttpServer() = default;

Result<std::uint16_t> HttpServer::listen() {
  beast::error_code ec;
  tcp::resolver resolver(impl_->io);
  auto results = resolver.resolve(impl_->options.host, std::to_string(impl_->options.port),
                                  tcp::resolver::passive | tcp::resolver::numeric_service, ec);
  if (ec || results.empty()) {
    return Unexpected{make_error(ErrorCode::kInvalidArgument,
                                 "cannot resolve host '" + impl_->options.host + "'")};
  }
  const tcp::endpoint endpoint = results.begin()->endpoint();
  auto& acceptor = impl_->acceptor;
  acceptor.open(endpoint.protocol(), ec);
  if (!ec)
    acceptor.set_option(net::socket_base::reuse_address(true), ec);
  if (!ec)
    acceptor.bind(endpoint, ec);
  if (!ec)
    acceptor.listen(net::socket_base::max_listen_connections, ec);
  if (ec) {
    return Unexpected{make_error(ErrorCode::kIo, "cannot listen on " + impl_->options.host + ":" +
                                                     std::to_string(impl_->options.port) + ": " +
                                                     ec.message())};
  }
  return acceptor.local_endpoint().port();
}

void HttpServer::run(std::function<void()> on_signal) {
  impl_->signals.add(SIGINT);
  impl_->signals.add(SIGTERM);
  impl_->signals.async_wait([on_signal = std::move(on_signal)](const beast::error_code& ec, int) {
    if (!ec && on_signal)
      on_signal();
  });
  net::co_spawn(impl_->accept_strand, impl_->accept_loop(), net::detached);
  std::vector<std::thread> threads;
  for (std::size_t i = 1; i < impl_->options.threads; ++i) {
    threads.emplace_back([this] { run_io_thread(impl_->io, impl_->options.busy_poll); });
  }
  run_io_thread(impl_->io, impl_->options.busy_poll);
  for (auto& thread : threads)
    thread.join();
}

void HttpServer::stop() {
  // On the accept loop's strand: closing the acceptor must not overlap the loop starting its next
  // accept on another I/O thread.
  net::post(impl_->accept_strand, [impl = impl_.get()] {
    beast::error_code ignored;
    impl->acceptor.close(ignored);
    impl->signals.cancel(ignored);
    impl->io.stop();
  });
}

Scheduler& HttpServer::scheduler() {
  return impl_->scheduler;
}

const ServerStats& HttpServer::stats() const {
  return impl_->stats;
}

}  // namespace bmcp::http
