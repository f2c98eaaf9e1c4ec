#include "http/server.hpp"

#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <cstring>
#include <functional>
#include <mutex>
#include <thread>
#include <vector>

#include "http/router.hpp"

namespace bmcp::http {
namespace {

// A blocking loopback client: enough to speak raw HTTP/1.1 to the server under test.
class RawClient {
 public:
  // `receive_buffer` > 0: SO_RCVBUF, set before connecting (a client that takes little at a time).
  explicit RawClient(std::uint16_t port, int receive_buffer = 0) {
    fd_ = ::socket(AF_INET, SOCK_STREAM, 0);
    if (receive_buffer > 0)
      ::setsockopt(fd_, SOL_SOCKET, SO_RCVBUF, &receive_buffer, sizeof receive_buffer);
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_port = htons(port);
    ::inet_pton(AF_INET, "127.0.0.1", &address.sin_addr);
    timeval timeout{10, 0};
    ::setsockopt(fd_, SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof timeout);
    connected_ = ::connect(fd_, reinterpret_cast<sockaddr*>(&address), sizeof address) == 0;
  }
  ~RawClient() { ::close(fd_); }
  bool connected() const { return connected_; }
  int fd() const { return fd_; }
  void send(const std::string& data) {
    ASSERT_EQ(::write(fd_, data.data(), data.size()), static_cast<ssize_t>(data.size()));
  }
  // What one read() returns (the bytes of at most one arrival), after what read_until kept.
  std::string read_once() {
    std::string out = std::move(buffer_);
    buffer_.clear();
    if (out.empty()) {
      char chunk[65536];
      const ssize_t n = ::read(fd_, chunk, sizeof chunk);
      if (n > 0)
        out.assign(chunk, static_cast<std::size_t>(n));
    }
    return out;
  }
  // Reads until `marker` has been seen (or the peer closes / times out).
  std::string read_until(const std::string& marker) {
    std::size_t searched = 0;  // the marker does not start before this offset
    while (buffer_.find(marker, searched) == std::string::npos) {
      searched = buffer_.size() >= marker.size() ? buffer_.size() - marker.size() + 1 : 0;
      char chunk[65536];
      const ssize_t n = ::read(fd_, chunk, sizeof chunk);
      if (n <= 0)
        break;
      buffer_.append(chunk, static_cast<std::size_t>(n));
    }
    auto end = buffer_.find(marker);
    std::string out = end == std::string::npos ? buffer_ : buffer_.substr(0, end + marker.size());
    buffer_.erase(0, out.size());
    return out;
  }

 private:
  int fd_ = -1;
  bool connected_ = false;
  std::string buffer_;
};

class HttpServerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    router_.add("/hello", "GET", [](HttpRequest request, std::shared_ptr<ResponseStream> r) {
      r->respond(detail_response(200, "hello " + request.remote_address));
    });
    router_.add("/echo", "POST", [](HttpRequest request, std::shared_ptr<ResponseStream> r) {
      r->respond(detail_response(200, request.body));
    });
    router_.add("/events", "GET", [this](HttpRequest, std::shared_ptr<ResponseStream> r) {
      r->start_events({}, false);
      spawn([r] {
        r->push_event(std::make_shared<const std::string>("data: one\n\n"));
        r->push_event(std::make_shared<const std::string>("data: two\n\n"));
        r->end();
      });
    });
    router_.add("/health", "GET", [](HttpRequest, std::shared_ptr<ResponseStream> r) {
      r->respond(detail_response(200, "healthy"));
    });
    ServerOptions options;
    options.host = "127.0.0.1";
    options.port = 0;
    options.limits.max_body_bytes = 1024;
    options.limits.max_header_bytes = 2048;
    adjust(options);
    server_ = std::make_unique<HttpServer>(options, [this](HttpRequest request, auto response) {
      router_.handle(std::move(request), std::move(response));
    });
    auto port = server_->listen();
    ASSERT_TRUE(port.ok());
    port_ = *port;
    thread_ = std::thread([this] { server_->run(nullptr); });
  }
  void TearDown() override {
    server_->stop();
    thread_.join();
    // A handler's thread may hold the last reference to its response, which must go before the
    // server (and its io_context) does.
    std::lock_guard lock(workers_mutex_);
    for (auto& worker : workers_)
      worker.join();
  }
  virtual void adjust(ServerOptions&) {}

  // Runs `work` on a thread of its own that TearDown joins.
  void spawn(std::function<void()> work) {
    std::lock_guard lock(workers_mutex_);
    workers_.emplace_back(std::move(work));
  }

  std::mutex workers_mutex_;
  std::vector<std::thread> workers_;
  Router router_;
  std::unique_ptr<HttpServer> server_;
  std::uint16_t port_ = 0;
  std::thread thread_;
};

TEST_F(HttpServerTest, AnswersAFullResponseAndKeepsTheConnectionForTheNext) {
  RawClient client(port_);
  ASSERT_TRUE(client.connected());
  client.send("GET /hello HTTP/1.1\r\nHost: localhost\r\n\r\n");
  auto first = client.read_until("}");
  EXPECT_NE(first.find("200 OK"), std::string::npos);
  EXPECT_NE(first.find("hello 127.0.0.1"), std::string::npos);
  client.send("POST /echo HTTP/1.1\r\nHost: localhost\r\nContent-Length: 4\r\n\r\nping");
  EXPECT_NE(client.read_until("}").find("\"detail\":\"ping\""), std::string::npos);
}

TEST_F(HttpServerTest, OversizedBodiesAre413) {
  RawClient client(port_);
  client.send("POST /echo HTTP/1.1\r\nHost: localhost\r\nContent-Length: 5000\r\n\r\n");
  auto response = client.read_until("}");
  EXPECT_NE(response.find("413"), std::string::npos);
  EXPECT_NE(response.find("Request body too large"), std::string::npos);
}

TEST_F(HttpServerTest, OversizedHeadersAre431) {
  RawClient client(port_);
  client.send("GET /hello HTTP/1.1\r\nHost: localhost\r\nX-Big: " + std::string(4000, 'a') +
              "\r\n\r\n");
  EXPECT_NE(client.read_until("}").find("431"), std::string::npos);
}

TEST_F(HttpServerTest, MalformedRequestsAre400) {
  RawClient client(port_);
  client.send("NOT HTTP AT ALL\r\n\r\n");
  EXPECT_NE(client.read_until("}").find("400"), std::string::npos);
}

TEST_F(HttpServerTest, EventStreamsAreChunkedSseInOrderAndEnd) {
  RawClient client(port_);
  client.send("GET /events HTTP/1.1\r\nHost: localhost\r\n\r\n");
  auto stream = client.read_until("0\r\n\r\n");
  EXPECT_NE(stream.find("Content-Type: text/event-stream"), std::string::npos);
  EXPECT_NE(stream.find("Cache-Control: no-cache"), std::string::npos);
  EXPECT_NE(stream.find("X-Accel-Buffering: no"), std::string::npos);
  EXPECT_NE(stream.find("Transfer-Encoding: chunked"), std::string::npos);
  EXPECT_LT(stream.find("data: one"), stream.find("data: two"));
}

TEST_F(HttpServerTest, UnknownPathsAre404) {
  RawClient client(port_);
  client.send("GET /nope HTTP/1.1\r\nHost: localhost\r\n\r\n");
  EXPECT_NE(client.read_until("}").find("404 Not Found"), std::string::npos);
}

// The header of a request's event stream waits for its first events (request_header_hold) and
// leaves with them in one write; a watched stream's leaves at once.
class HttpServerHeaderHoldTest : public HttpServerTest {
 protected:
  void adjust(ServerOptions& options) override {
    options.limits.request_header_hold = std::chrono::milliseconds(hold_ms);
    auto later = [this](bool watch, int delay_ms) {
      return [this, watch, delay_ms](HttpRequest, std::shared_ptr<ResponseStream> r) {
        r->start_events({}, watch);
        spawn([r, delay_ms] {
          std::this_thread::sleep_for(std::chrono::milliseconds(delay_ms));
          r->push_event(std::make_shared<const std::string>("data: first\n\n"));
          r->end();
        });
      };
    };
    router_.add("/soon", "GET", later(false, 100));
    router_.add("/late", "GET", later(false, 3000));
    router_.add("/watched", "GET", later(true, 1000));
  }
  int hold_ms = 2000;
};

TEST_F(HttpServerHeaderHoldTest, ARequestsHeaderLeavesWithItsFirstEventInOneWrite) {
  RawClient client(port_);
  client.send("GET /soon HTTP/1.1\r\nHost: localhost\r\n\r\n");
  const std::string first = client.read_once();
  EXPECT_NE(first.find("200 OK"), std::string::npos) << first;
  EXPECT_NE(first.find("data: first"), std::string::npos) << first;
  if (first.find("\r\n0\r\n\r\n") == std::string::npos)
    client.read_until("0\r\n\r\n");  // the handler's thread is done before the server goes
}

TEST_F(HttpServerHeaderHoldTest, AWatchedStreamsHeaderLeavesAtOnce) {
  RawClient client(port_);
  const auto start = std::chrono::steady_clock::now();
  client.send("GET /watched HTTP/1.1\r\nHost: localhost\r\n\r\n");
  const std::string first = client.read_once();
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::milliseconds(1000));
  EXPECT_NE(first.find("200 OK"), std::string::npos) << first;
  EXPECT_EQ(first.find("data: first"), std::string::npos) << first;
  EXPECT_NE(client.read_until("0\r\n\r\n").find("data: first"), std::string::npos);
}

class HttpServerShortHeaderHoldTest : public HttpServerHeaderHoldTest {
 protected:
  void adjust(ServerOptions& options) override {
    hold_ms = 200;
    HttpServerHeaderHoldTest::adjust(options);
  }
};

TEST_F(HttpServerShortHeaderHoldTest, ARequestsHeaderLeavesAloneWhenTheHoldEnds) {
  RawClient client(port_);
  const auto start = std::chrono::steady_clock::now();
  client.send("GET /late HTTP/1.1\r\nHost: localhost\r\n\r\n");
  const std::string first = client.read_once();
  const auto waited = std::chrono::steady_clock::now() - start;
  EXPECT_GE(waited, std::chrono::milliseconds(200));
  EXPECT_LT(waited, std::chrono::milliseconds(2500));
  EXPECT_NE(first.find("200 OK"), std::string::npos) << first;
  EXPECT_EQ(first.find("data: first"), std::string::npos) << first;
  EXPECT_NE(client.read_until("0\r\n\r\n").find("data: first"), std::string::npos);
}

// stop() closes the acceptor while, on another I/O thread, the accept loop may be taking a new
// connection and starting its next accept. The acceptor is not thread safe, so both must run on
// the accept loop's strand; under ThreadSanitizer (scripts/test, unit-tsan) a race here is a
// report.
class HttpServerOnFourThreadsTest : public HttpServerTest {
 protected:
  void adjust(ServerOptions& options) override { options.threads = 4; }
};

TEST_F(HttpServerOnFourThreadsTest, StopWhileConnectionsKeepArrivingEndsRun) {
  std::atomic<bool> stopping{false};
  std::atomic<int> connected{0};
  std::thread arrivals([&] {
    while (!stopping) {
      RawClient client(port_);
      if (client.connected())
        ++connected;
    }
  });
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  while (connected < 200 && std::chrono::steady_clock::now() < deadline)
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  server_->stop();
  thread_.join();  // run() returned
  stopping = true;
  arrivals.join();
  EXPECT_GE(connected.load(), 200);
  thread_ = std::thread([] {});  // for TearDown, which stops the stopped server again
}

// Busy polling changes only how the I/O threads wait: everything is served as before, also after
// a pause long enough for the threads to go back to sleep, and stop() still ends run().
class HttpServerBusyPollingTest : public HttpServerTest {
 protected:
  void adjust(ServerOptions& options) override {
    options.threads = 2;
    options.busy_poll = std::chrono::microseconds(300);
  }
};

TEST_F(HttpServerBusyPollingTest, ServesRequestsAndEventStreamsBeforeAndAfterTheThreadsSleep) {
  RawClient client(port_);
  ASSERT_TRUE(client.connected());
  for (int i = 0; i < 3; ++i) {
    client.send("POST /echo HTTP/1.1\r\nHost: localhost\r\nContent-Length: 4\r\n\r\nping");
    EXPECT_NE(client.read_until("}").find("\"detail\":\"ping\""), std::string::npos);
    // Far beyond the polling time: the next request finds both threads asleep.
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  RawClient events(port_);
  ASSERT_TRUE(events.connected());
  events.send("GET /events HTTP/1.1\r\nHost: localhost\r\n\r\n");
  const auto body = events.read_until("0\r\n\r\n");
  EXPECT_LT(body.find("data: one"), body.find("data: two"));
}

TEST_F(HttpServerBusyPollingTest, StopEndsRunWhileTheThreadsPoll) {
  RawClient client(port_);
  ASSERT_TRUE(client.connected());
  client.send("GET /health HTTP/1.1\r\nHost: localhost\r\n\r\n");
  EXPECT_NE(client.read_until("}").find("200 OK"), std::string::npos);
  server_->stop();  // within the polling time of that request
  thread_.join();
  thread_ = std::thread([] {});  // for TearDown, which stops the stopped server again
}

// Events pushed while the stream's writer waits are written on the notifying handler's turn
// when the socket takes them whole; what it does not take (a client that stopped reading) is
// finished by the writer's coroutine. Either way every event arrives once and in order.
class HttpServerBurstTest : public HttpServerTest {
 protected:
  static constexpr int kEvents = 400;
  static constexpr std::size_t kEventBytes = 4096;

  void adjust(ServerOptions& options) override {
    options.limits.max_stream_buffer_bytes = 8u << 20;
    router_.add("/burst", "GET", [this](HttpRequest, std::shared_ptr<ResponseStream> r) {
      r->start_events({}, false);
      spawn([r] {
        for (int i = 0; i < kEvents; ++i) {
          std::string frame = "data: seq-" + std::to_string(i) + " ";
          frame.append(kEventBytes - frame.size() - 2, 'x');
          frame += "\n\n";
          ASSERT_TRUE(r->push_event(std::make_shared<const std::string>(std::move(frame))));
          if (i % 10 == 9)  // lets the writer go idle between bursts
            std::this_thread::sleep_for(std::chrono::milliseconds(1));
        }
        r->end();
      });
    });
  }

  static void expect_every_event_once_in_order(const std::string& stream) {
    std::size_t at = 0;
    for (int i = 0; i < kEvents; ++i) {
      const std::string mark = "data: seq-" + std::to_string(i) + " ";
      const auto found = stream.find(mark, at);
      ASSERT_NE(found, std::string::npos) << "event " << i << " missing or out of order";
      at = found + mark.size();
    }
    EXPECT_EQ(stream.find("data: seq-", at), std::string::npos);  // nothing twice
  }
};

TEST_F(HttpServerBurstTest, AReadingClientGetsEveryEventOnceInOrder) {
  RawClient client(port_);
  client.send("GET /burst HTTP/1.1\r\nHost: localhost\r\n\r\n");
  expect_every_event_once_in_order(client.read_until("0\r\n\r\n"));
}

TEST_F(HttpServerBurstTest, AClientThatStopsReadingGetsTheRestInOrderWhenItReadsAgain) {
  RawClient client(port_, 4096);
  client.send("GET /burst HTTP/1.1\r\nHost: localhost\r\n\r\n");
  // 1.6 MB of events against a small receive buffer: sends block part way while it sleeps.
  std::this_thread::sleep_for(std::chrono::milliseconds(500));
  expect_every_event_once_in_order(client.read_until("0\r\n\r\n"));
}

// on_drained callbacks reach producers that may wait for room: after a write, when event_room()
// was asked while frames were buffered; never for a stream whose producer found the buffer empty
// (a broadcast's recipient), which has nothing to wait for.
class HttpServerDrainedTest : public HttpServerTest {
 protected:
  // More than the server's socket can buffer (net.ipv4.tcp_wmem allows up to 4 MiB): it stays
  // counted in the buffer until the client has read most of it.
  static constexpr std::size_t kBigFrameBytes = 12u << 20;
  static constexpr std::size_t kCapacity = 32u << 20;

  void adjust(ServerOptions& options) override {
    options.limits.max_stream_buffer_bytes = kCapacity;
    // Pushes `frames` (asking event_room() before each, as StandaloneStream does), then ends.
    auto route = [this](std::vector<std::size_t> frames) {
      return [this, frames](HttpRequest, std::shared_ptr<ResponseStream> r) {
        r->start_events({}, false);
        r->on_drained([this] { ++drained_; });
        r->on_close([this] { closed_ = true; });
        spawn([this, r, frames] {
          for (const std::size_t bytes : frames) {
            rooms_.push_back(r->event_room());
            std::string frame = "data: ";
            frame.append(bytes, 'x');
            frame += "\n\n";
            ASSERT_TRUE(r->push_event(std::make_shared<const std::string>(std::move(frame))));
          }
          r->end();
        });
      };
    };
    router_.add("/one-small", "GET", route({10}));
    router_.add("/big-then-small", "GET", route({kBigFrameBytes, 10}));
  }

  // Waits until the connection reported the response over (every write and its written()).
  void wait_closed() {
    for (int i = 0; i < 500 && !closed_; ++i)
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    ASSERT_TRUE(closed_);
  }

  std::atomic<int> drained_{0};
  std::atomic<bool> closed_{false};
  std::vector<std::size_t> rooms_;  // the producer thread's, read after wait_closed()
};

TEST_F(HttpServerDrainedTest, AProducerThatFoundTheBufferEmptyGetsNoCallback) {
  RawClient client(port_);
  client.send("GET /one-small HTTP/1.1\r\nHost: localhost\r\n\r\n");
  EXPECT_NE(client.read_until("0\r\n\r\n").find("data: xxxxxxxxxx\n\n"), std::string::npos);
  wait_closed();
  ASSERT_EQ(rooms_.size(), 1u);
  EXPECT_EQ(rooms_[0], kCapacity);  // all the room there is
  EXPECT_EQ(drained_, 0);
}

TEST_F(HttpServerDrainedTest, AWriteAfterRoomWasAskedWithFramesBufferedCallsBack) {
  // A client that takes little at a time and reads late: the big frame is still buffered when
  // the producer asks for room the second time.
  RawClient client(port_, 4096);
  client.send("GET /big-then-small HTTP/1.1\r\nHost: localhost\r\n\r\n");
  std::this_thread::sleep_for(std::chrono::milliseconds(200));
  const auto stream = client.read_until("0\r\n\r\n");
  EXPECT_NE(stream.find("data: xxxxxxxxxx\n\n"), std::string::npos);
  wait_closed();
  ASSERT_EQ(rooms_.size(), 2u);
  EXPECT_EQ(rooms_[0], kCapacity);
  EXPECT_LT(rooms_[1], kCapacity);  // the big frame was buffered
  EXPECT_GE(drained_, 1);
}

// A request's answer that arrives after its handler returned (a dispatch's envelope when the
// job is answered) leaves in one direct write, header included; what the socket does not take
// is finished by the connection, which then serves the next request. And a handler that answers
// another waiting request lets that answer go out before its own.
class HttpServerLaterAnswerTest : public HttpServerTest {
 protected:
  // More than the server's socket can buffer (net.ipv4.tcp_wmem allows up to 4 MiB).
  static constexpr std::size_t kBigEventBytes = 12u << 20;

  void adjust(ServerOptions& options) override {
    options.threads = 1;  // the order of the two answers is the one thread's
    options.limits.max_stream_buffer_bytes = 32u << 20;
    options.limits.request_header_hold = std::chrono::seconds(5);
    auto later = [this](std::size_t bytes) {
      return [this, bytes](HttpRequest, std::shared_ptr<ResponseStream> r) {
        r->start_events({}, false);
        spawn([r, bytes] {
          std::this_thread::sleep_for(std::chrono::milliseconds(50));
          std::string frame = "data: begin ";
          frame.append(bytes, 'x');
          frame += " end\n\n";
          r->push_event(std::make_shared<const std::string>(std::move(frame)));
          r->end();
        });
      };
    };
    router_.add("/later", "GET", later(10));
    router_.add("/later-big", "GET", later(kBigEventBytes));
    router_.add("/wait", "GET", [this](HttpRequest, std::shared_ptr<ResponseStream> r) {
      r->start_events({}, false);
      std::lock_guard lock(waiting_mutex_);
      waiting_ = r;
    });
    router_.add("/settle", "GET", [this](HttpRequest, std::shared_ptr<ResponseStream> r) {
      std::shared_ptr<ResponseStream> waiting;
      {
        std::lock_guard lock(waiting_mutex_);
        waiting.swap(waiting_);
      }
      if (waiting) {
        waiting->push_event(std::make_shared<const std::string>("data: settled\n\n"));
        waiting->end();
      }
      r->respond(detail_response(200, waiting ? "settled" : "nothing waits"));
    });
  }

  // When the kernel received the first bytes of the next read on `fd` (SO_TIMESTAMPNS).
  static std::int64_t first_arrival_ns(int fd) {
    char data[65536];
    alignas(cmsghdr) char control[CMSG_SPACE(sizeof(timespec))];
    iovec io{data, sizeof data};
    msghdr message{};
    message.msg_iov = &io;
    message.msg_iovlen = 1;
    message.msg_control = control;
    message.msg_controllen = sizeof control;
    if (::recvmsg(fd, &message, 0) <= 0)
      return -1;
    for (cmsghdr* c = CMSG_FIRSTHDR(&message); c != nullptr; c = CMSG_NXTHDR(&message, c)) {
      if (c->cmsg_level == SOL_SOCKET && c->cmsg_type == SCM_TIMESTAMPNS) {
        timespec stamp{};
        std::memcpy(&stamp, CMSG_DATA(c), sizeof stamp);
        return static_cast<std::int64_t>(stamp.tv_sec) * 1'000'000'000 + stamp.tv_nsec;
      }
    }
    return -1;
  }

  std::mutex waiting_mutex_;
  std::shared_ptr<ResponseStream> waiting_;
};

TEST_F(HttpServerLaterAnswerTest, ALaterAnswerLeavesWholeAndTheConnectionServesTheNextRequest) {
  RawClient client(port_);
  for (int i = 0; i < 3; ++i) {
    client.send("GET /later HTTP/1.1\r\nHost: localhost\r\n\r\n");
    const auto answer = client.read_until("\r\n0\r\n\r\n");
    EXPECT_EQ(answer.find("HTTP/1.1 200 OK"), 0u) << answer;
    EXPECT_NE(answer.find("Transfer-Encoding: chunked"), std::string::npos) << answer;
    EXPECT_NE(answer.find("data: begin xxxxxxxxxx end"), std::string::npos) << answer;
  }
  client.send("GET /hello HTTP/1.1\r\nHost: localhost\r\n\r\n");
  EXPECT_NE(client.read_until("}").find("hello 127.0.0.1"), std::string::npos);
}

TEST_F(HttpServerLaterAnswerTest, ALaterAnswerTooBigForTheSocketArrivesWholeInOrder) {
  RawClient client(port_, 4096);
  client.send("GET /later-big HTTP/1.1\r\nHost: localhost\r\n\r\n");
  // The answer comes while the client does not read: the direct write sends part of it.
  std::this_thread::sleep_for(std::chrono::milliseconds(500));
  const auto answer = client.read_until("\r\n0\r\n\r\n");
  ASSERT_EQ(answer.find("HTTP/1.1 200 OK"), 0u) << answer.substr(0, 200);
  const auto body = answer.find("\r\n\r\n");
  ASSERT_NE(body, std::string::npos);
  // One chunk: its size line, the event, the last chunk.
  const auto size_end = answer.find("\r\n", body + 4);
  const auto chunk_size = std::stoul(answer.substr(body + 4, size_end - body - 4), nullptr, 16);
  const std::string expected_event = "data: begin " + std::string(kBigEventBytes, 'x') + " end\n\n";
  EXPECT_EQ(chunk_size, expected_event.size());
  EXPECT_EQ(answer.substr(size_end + 2), expected_event + "\r\n0\r\n\r\n");
  client.send("GET /hello HTTP/1.1\r\nHost: localhost\r\n\r\n");
  EXPECT_NE(client.read_until("}").find("hello 127.0.0.1"), std::string::npos);
}

TEST_F(HttpServerLaterAnswerTest, AnAnswerAHandlerGivesAnotherRequestLeavesBeforeItsOwn) {
  RawClient waiter(port_);
  RawClient settler(port_);
  int one = 1;
  ASSERT_EQ(::setsockopt(waiter.fd(), SOL_SOCKET, SO_TIMESTAMPNS, &one, sizeof one), 0);
  ASSERT_EQ(::setsockopt(settler.fd(), SOL_SOCKET, SO_TIMESTAMPNS, &one, sizeof one), 0);
  waiter.send("GET /wait HTTP/1.1\r\nHost: localhost\r\n\r\n");
  for (int attempt = 0; attempt < 200; ++attempt) {  // until /wait's handler has run
    {
      std::lock_guard lock(waiting_mutex_);
      if (waiting_)
        break;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  settler.send("GET /settle HTTP/1.1\r\nHost: localhost\r\n\r\n");
  const auto settled_at = first_arrival_ns(waiter.fd());
  const auto answered_at = first_arrival_ns(settler.fd());
  ASSERT_GT(settled_at, 0);
  ASSERT_GT(answered_at, 0);
  EXPECT_LT(settled_at, answered_at);
}

// One connection is served; one more may ask for /health within a second.
class HttpServerAtItsLimitTest : public HttpServerTest {
 protected:
  void adjust(ServerOptions& options) override {
    options.limits.max_connections = 1;
    options.limits.over_limit_reserve = 1;
    options.limits.over_limit_read_timeout = std::chrono::seconds(1);
    options.served_over_limit = {"/health"};
  }
  // A served connection that holds the one place: it has been answered, so it is accepted.
  std::unique_ptr<RawClient> hold_the_place() {
    auto client = std::make_unique<RawClient>(port_);
    client->send("GET /hello HTTP/1.1\r\nHost: localhost\r\n\r\n");
    EXPECT_NE(client->read_until("}").find("200 OK"), std::string::npos);
    return client;
  }
  // The server frees a place when a connection's coroutine has ended, a moment after the client
  // saw the close; so a new connection is tried a few times.
  bool served_soon(const std::string& path) {
    for (int attempt = 0; attempt < 50; ++attempt) {
      RawClient next(port_);
      next.send("GET " + path + " HTTP/1.1\r\nHost: localhost\r\n\r\n");
      if (next.read_until("}").find("200 OK") != std::string::npos)
        return true;
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    return false;
  }
};

TEST_F(HttpServerAtItsLimitTest, OverTheLimitAHealthCheckIsAnsweredAndTheConnectionClosed) {
  const auto held = hold_the_place();
  RawClient over(port_);
  over.send("GET /health HTTP/1.1\r\nHost: localhost\r\n\r\n");
  const auto response = over.read_until("never-sent");  // everything until the server closes
  EXPECT_NE(response.find("200 OK"), std::string::npos);
  EXPECT_NE(response.find("healthy"), std::string::npos);
  EXPECT_NE(response.find("Connection: close"), std::string::npos);
}

TEST_F(HttpServerAtItsLimitTest, OverTheLimitAnyOtherRequestIs503) {
  const auto held = hold_the_place();
  RawClient over(port_);
  over.send("GET /hello HTTP/1.1\r\nHost: localhost\r\n\r\n");
  const auto response = over.read_until("never-sent");
  EXPECT_NE(response.find("503 Service Unavailable"), std::string::npos);
  EXPECT_NE(response.find("Too many connections; try again later"), std::string::npos);
  EXPECT_NE(response.find("Retry-After: 1"), std::string::npos);
  EXPECT_NE(response.find("Connection: close"), std::string::npos);
  EXPECT_EQ(response.find("hello"), std::string::npos);
}

TEST_F(HttpServerAtItsLimitTest, OnlyGetIsServedOverTheLimit) {
  const auto held = hold_the_place();
  RawClient over(port_);
  over.send("POST /health HTTP/1.1\r\nHost: localhost\r\nContent-Length: 0\r\n\r\n");
  EXPECT_NE(over.read_until("never-sent").find("503"), std::string::npos);
}

TEST_F(HttpServerAtItsLimitTest, BeyondTheReserveAConnectionIsClosedUnanswered) {
  const auto held = hold_the_place();
  RawClient over(port_);  // takes the reserve place, sends nothing yet
  RawClient beyond(port_);
  beyond.send("GET /health HTTP/1.1\r\nHost: localhost\r\n\r\n");
  EXPECT_EQ(beyond.read_until("never-sent"), "");
}

TEST_F(HttpServerAtItsLimitTest, AnIdleConnectionOverTheLimitIsClosedAfterTheShortTimeout) {
  const auto held = hold_the_place();
  RawClient over(port_);
  const auto started = std::chrono::steady_clock::now();
  EXPECT_EQ(over.read_until("never-sent"), "");
  EXPECT_LT(std::chrono::steady_clock::now() - started, std::chrono::seconds(5));
  EXPECT_TRUE(served_soon("/health"));  // its place is free again
}

TEST_F(HttpServerAtItsLimitTest, AClosedServedConnectionFreesItsPlace) {
  hold_the_place().reset();
  EXPECT_TRUE(served_soon("/hello"));  // 503 while the server has not yet noticed the close
}

}  // namespace
}  // namespace bmcp::http
