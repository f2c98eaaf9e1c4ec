// bench_fanout_floor: the least a server can do to fan one record out over TCP, as a baseline for
// part 3. No HTTP, no MCP, no bus: it only accepts connections and, when told, writes one frame
// to every recipient socket with one sendmsg each, as blender-mcp's writers do. What it takes on
// this machine is the kernel's share of a broadcast (loopback TCP delivers a segment, and wakes
// its reader, inside the sender's system call), so blender-mcp's figures can be read as a ratio
// to it rather than against a fixed number alone.
//
//   bench_fanout_floor [--port 0] [--threads 1] [--data-bytes 300] [--io-uring]
//
// With --io-uring each thread submits its part of a round as one batch of sends through an
// io_uring (one system call for the batch instead of one per socket): what batching could save.
//
// Prints "bench_fanout_floor listening on http://127.0.0.1:PORT" once it accepts connections.
// Protocol (one line each, "\n"-terminated; bench_fanout --floor speaks it):
//   a recipient connects and writes "recipient";
//   then one sender connects and writes "sender N" (N recipients must have connected before:
//   the line is refused with "error ..." otherwise); the floor answers "ready".
//   The sender writes "round K"; the floor writes an SSE event whose data (a JSON-RPC
//   notification naming "bench-fan-K", padded to --data-bytes) has the size of blender-mcp's
//   record, to every recipient (split into --threads equal parts, each written by its
//   own thread), then answers "ok". The program ends when the sender closes its connection.
#include <arpa/inet.h>
#include <liburing.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <condition_variable>
#include <cstdio>
#include <cstring>
#include <memory>
#include <mutex>
#include <optional>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include "cli_args.hpp"
#include "socket_io.hpp"

using namespace bench;

namespace {

[[noreturn]] void fail(const std::string& what) {
  throw std::runtime_error(what + ": " + std::strerror(errno));
}

// One line from a blocking socket (without its "\n"); nullopt when the peer closed first.
std::optional<std::string> read_line(int fd) {
  std::string line;
  char c = 0;
  for (;;) {
    const ssize_t n = ::read(fd, &c, 1);
    if (n < 0 && errno == EINTR)
      continue;
    if (n < 0)
      fail("read");
    if (n == 0)
      return std::nullopt;
    if (c == '\n')
      return line;
    line += c;
  }
}

// An SSE event shaped like blender-mcp's bus record for the round; its data padded to
// `data_bytes`.
std::string frame_for(std::uint64_t id, long round, std::size_t data_bytes) {
  std::string data =
      "{\"jsonrpc\":\"2.0\",\"method\":\"notifications/message\",\"params\":{\"level\":"
      "\"info\",\"logger\":\"_message_bus\",\"data\":{\"text\":\"bench-fan-" +
      std::to_string(round) + "\",\"pad\":\"";
  constexpr std::string_view kTail = "\"}}}";
  if (data.size() + kTail.size() < data_bytes)
    data.append(data_bytes - data.size() - kTail.size(), 'x');
  data += kTail;
  return "id: " + std::to_string(id) + "\nevent: message\ndata: " + data + "\n\n";
}

// Writes a frame to a range of sockets, all of it to each (the sockets have room: the reader
// keeps up). One per thread.
class FrameWriter {
 public:
  virtual ~FrameWriter() = default;
  virtual void send(const std::vector<int>& fds, std::size_t begin, std::size_t end,
                    const std::string& frame) = 0;
};

// One sendmsg per socket, as blender-mcp's writers do.
class SendmsgWriter final : public FrameWriter {
 public:
  void send(const std::vector<int>& fds, std::size_t begin, std::size_t end,
            const std::string& frame) override {
    for (std::size_t i = begin; i < end; ++i) {
      iovec data{const_cast<char*>(frame.data()), frame.size()};
      msghdr message{};
      message.msg_iov = &data;
      message.msg_iovlen = 1;
      const ssize_t n = ::sendmsg(fds[i], &message, MSG_NOSIGNAL);
      if (n != static_cast<ssize_t>(frame.size()))
        fail("sendmsg to recipient " + std::to_string(i));
    }
  }
};

// All the range's sends queued on an io_uring and submitted with one io_uring_enter.
class UringWriter final : public FrameWriter {
 public:
  explicit UringWriter(unsigned entries) {
    if (const int rc = io_uring_queue_init(entries, &ring_, 0); rc != 0) {
      errno = -rc;
      fail("io_uring_queue_init");
    }
  }
  ~UringWriter() override { io_uring_queue_exit(&ring_); }
  UringWriter(const UringWriter&) = delete;
  UringWriter& operator=(const UringWriter&) = delete;

  void send(const std::vector<int>& fds, std::size_t begin, std::size_t end,
            const std::string& frame) override {
    for (std::size_t i = begin; i < end; ++i) {
      io_uring_sqe* sqe = io_uring_get_sqe(&ring_);
      if (sqe == nullptr)
        throw std::runtime_error("the io_uring is smaller than a thread's part of the sockets");
      io_uring_prep_send(sqe, fds[i], frame.data(), frame.size(), MSG_NOSIGNAL);
    }
    const auto count = static_cast<unsigned>(end - begin);
    if (const int rc = io_uring_submit_and_wait(&ring_, count); rc < 0) {
      errno = -rc;
      fail("io_uring_submit_and_wait");
    }
    for (unsigned seen = 0; seen < count; ++seen) {
      io_uring_cqe* cqe = nullptr;
      if (const int rc = io_uring_wait_cqe(&ring_, &cqe); rc != 0) {
        errno = -rc;
        fail("io_uring_wait_cqe");
      }
      const int result = cqe->res;
      io_uring_cqe_seen(&ring_, cqe);
      if (result != static_cast<int>(frame.size())) {
        errno = result < 0 ? -result : EIO;
        fail("io_uring send");
      }
    }
  }

 private:
  io_uring ring_{};
};

std::unique_ptr<FrameWriter> make_writer(bool io_uring, std::size_t sockets) {
  if (!io_uring)
    return std::make_unique<SendmsgWriter>();
  unsigned entries = 1;
  while (entries < sockets)
    entries <<= 1;
  return std::make_unique<UringWriter>(entries);
}

// Threads 1..T-1 each write their part of every round; thread 0 is the caller's.
class SendCrew {
 public:
  SendCrew(const std::vector<int>& fds, std::size_t threads, bool io_uring)
      : fds_(fds), threads_(threads), io_uring_(io_uring) {
    own_ = make_writer(io_uring, part(0).second - part(0).first);
    for (std::size_t t = 1; t < threads; ++t)
      workers_.emplace_back([this, t] { work(t); });
  }
  ~SendCrew() {
    {
      std::lock_guard lock(mutex_);
      stopping_ = true;
    }
    start_.notify_all();
    for (auto& worker : workers_)
      worker.join();
  }

  void fan_out(const std::string& frame) {
    {
      std::lock_guard lock(mutex_);
      frame_ = &frame;
      ++round_;
      pending_ = threads_ - 1;
    }
    start_.notify_all();
    const auto [begin, end] = part(0);
    own_->send(fds_, begin, end, frame);
    std::unique_lock lock(mutex_);
    finished_.wait(lock, [this] { return pending_ == 0; });
  }

 private:
  std::pair<std::size_t, std::size_t> part(std::size_t t) const {
    const std::size_t n = fds_.size();
    return {n * t / threads_, n * (t + 1) / threads_};
  }

  void work(std::size_t t) {
    const auto [begin, end] = part(t);
    const auto writer = make_writer(io_uring_, end - begin);
    std::uint64_t seen = 0;
    for (;;) {
      const std::string* frame = nullptr;
      {
        std::unique_lock lock(mutex_);
        start_.wait(lock, [&] { return stopping_ || round_ != seen; });
        if (stopping_)
          return;
        seen = round_;
        frame = frame_;
      }
      writer->send(fds_, begin, end, *frame);
      std::lock_guard lock(mutex_);
      if (--pending_ == 0)
        finished_.notify_one();
    }
  }

  const std::vector<int>& fds_;
  const std::size_t threads_;
  const bool io_uring_;
  std::unique_ptr<FrameWriter> own_;
  std::vector<std::thread> workers_;
  std::mutex mutex_;
  std::condition_variable start_, finished_;
  const std::string* frame_ = nullptr;
  std::uint64_t round_ = 0;
  std::size_t pending_ = 0;
  bool stopping_ = false;
};

}  // namespace

int main(int argc, char** argv) {
  try {
    CliArgs args(argc, argv, {"port", "threads", "data-bytes"}, {"io-uring"});
    const auto port = args.integer("port", 0);
    const auto threads = args.integer("threads", 1);
    const auto data_bytes = args.integer("data-bytes", 300);
    if (port < 0 || port > 65535 || threads < 1 || threads > 64 || data_bytes < 1)
      throw std::runtime_error("--port 0-65535, --threads 1-64 and --data-bytes >= 1");

    const int listener = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (listener < 0)
      fail("socket");
    const int on = 1;
    ::setsockopt(listener, SOL_SOCKET, SO_REUSEADDR, &on, sizeof on);
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_port = htons(static_cast<std::uint16_t>(port));
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (::bind(listener, reinterpret_cast<sockaddr*>(&address), sizeof address) != 0)
      fail("bind");
    if (::listen(listener, 4096) != 0)
      fail("listen");
    socklen_t length = sizeof address;
    ::getsockname(listener, reinterpret_cast<sockaddr*>(&address), &length);
    std::printf("bench_fanout_floor listening on http://127.0.0.1:%u\n", ntohs(address.sin_port));
    std::fflush(stdout);

    std::vector<int> recipients;
    int sender = -1;
    while (sender < 0) {
      const int fd = ::accept4(listener, nullptr, nullptr, SOCK_CLOEXEC);
      if (fd < 0 && errno == EINTR)
        continue;
      if (fd < 0)
        fail("accept");
      ::setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &on, sizeof on);
      const auto hello = read_line(fd);
      if (hello && *hello == "recipient") {
        recipients.push_back(fd);
      } else if (hello && hello->rfind("sender ", 0) == 0) {
        const auto expected = std::stoul(hello->substr(7));
        if (expected != recipients.size()) {
          write_all(fd, "error " + std::to_string(recipients.size()) + " recipients connected\n");
          throw std::runtime_error("the sender expected " + std::to_string(expected) +
                                   " recipients, " + std::to_string(recipients.size()) +
                                   " connected");
        }
        sender = fd;
        write_all(fd, "ready\n");
      } else {
        throw std::runtime_error("a connection's first line was neither recipient nor sender");
      }
    }

    SendCrew crew(recipients,
                  std::min<std::size_t>(static_cast<std::size_t>(threads),
                                        std::max<std::size_t>(recipients.size(), 1)),
                  args.has("io-uring"));
    std::uint64_t next_id = 1;
    while (const auto line = read_line(sender)) {
      if (line->rfind("round ", 0) != 0)
        throw std::runtime_error("expected \"round K\", got \"" + *line + "\"");
      const std::string frame =
          frame_for(next_id++, std::stol(line->substr(6)), static_cast<std::size_t>(data_bytes));
      crew.fan_out(frame);
      write_all(sender, "ok\n");
    }
    for (const int fd : recipients)
      ::close(fd);
    ::close(sender);
    ::close(listener);
    return 0;
  } catch (const std::exception& e) {
    std::fprintf(stderr, "bench_fanout_floor: %s\n", e.what());
    return 2;
  }
}
