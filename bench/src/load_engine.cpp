#include "load_engine.hpp"

#include <sys/epoll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <memory>
#include <stdexcept>

#include "blocking_connection.hpp"
#include "clock.hpp"
#include "http_response_parser.hpp"
#include "mcp_session.hpp"
#include "process_rss.hpp"
#include "socket_io.hpp"
#include "text_scan.hpp"

namespace bench {

namespace {

struct Connection {
  std::unique_ptr<BlockingConnection> socket;
  std::string session_id;
  HttpResponseParser parser;
  std::string out;  // request bytes not yet written
  std::size_t out_offset = 0;
  std::int64_t started_ns = 0;
  std::int64_t arrived_ns = 0;  // the kernel received the last bytes read
  std::int64_t next_id = 1;
  bool in_flight = false;
  bool dead = false;
};

class LoadRun {
 public:
  explicit LoadRun(const LoadConfig& config) : config_(config) {}

  LoadResult run() {
    set_up();
    drive();
    tear_down();
    return std::move(result_);
  }

 private:
  void set_up() {
    for (int i = 0; i < config_.clients; ++i) {
      auto c = std::make_unique<Connection>();
      c->socket = std::make_unique<BlockingConnection>(config_.endpoint.url);
      c->session_id = open_session(*c->socket, config_.endpoint);
      connections_.push_back(std::move(c));
    }
    epoll_ = epoll_create1(EPOLL_CLOEXEC);
    if (epoll_ < 0)
      throw std::runtime_error(std::string("epoll_create1: ") + std::strerror(errno));
    for (std::size_t i = 0; i < connections_.size(); ++i) {
      int fd = connections_[i]->socket->fd();
      set_nonblocking(fd);
      if (config_.peer_time)
        enable_arrival_stamps(fd);
      epoll_event ev{};
      ev.events = EPOLLIN;
      ev.data.u64 = i;
      if (epoll_ctl(epoll_, EPOLL_CTL_ADD, fd, &ev) != 0)
        throw std::runtime_error(std::string("epoll_ctl: ") + std::strerror(errno));
    }
  }

  void tear_down() {
    close(epoll_);
    for (auto& c : connections_) {
      if (c->dead || c->in_flight)
        continue;
      set_blocking(c->socket->fd());
      end_session(*c->socket, config_.endpoint, c->session_id);
    }
  }

  void fail(Connection& c, const std::string& why) {
    ++result_.errors;
    if (result_.first_error.empty())
      result_.first_error = why;
    c.dead = true;
    c.in_flight = false;
    epoll_ctl(epoll_, EPOLL_CTL_DEL, c.socket->fd(), nullptr);
  }

  void send_next(std::size_t index) {
    Connection& c = *connections_[index];
    c.out = post_request(config_.endpoint, c.session_id,
                         tool_call_body(c.next_id++, config_.tool, config_.arguments_json));
    c.out_offset = 0;
    c.parser.reset();
    c.in_flight = true;
    c.started_ns = now_ns();
    flush(index);
  }

  void flush(std::size_t index) {
    Connection& c = *connections_[index];
    while (c.out_offset < c.out.size()) {
      ssize_t n = ::send(c.socket->fd(), c.out.data() + c.out_offset, c.out.size() - c.out_offset,
                         MSG_NOSIGNAL);
      if (n < 0) {
        if (errno == EINTR)
          continue;
        if (errno == EAGAIN || errno == EWOULDBLOCK) {
          watch(index, EPOLLIN | EPOLLOUT);
          return;
        }
        fail(c, std::string("send: ") + std::strerror(errno));
        return;
      }
      c.out_offset += static_cast<std::size_t>(n);
    }
    watch(index, EPOLLIN);
  }

  void watch(std::size_t index, std::uint32_t events) {
    Connection& c = *connections_[index];
    bool wants_out = (events & EPOLLOUT) != 0;
    if (wants_out == watching_out_[index])
      return;
    epoll_event ev{};
    ev.events = events;
    ev.data.u64 = index;
    epoll_ctl(epoll_, EPOLL_CTL_MOD, c.socket->fd(), &ev);
    watching_out_[index] = wants_out;
  }

  bool stopping(std::int64_t now) const { return measured_done_ || now >= measure_end_ns_; }

  void complete(std::size_t index, std::int64_t now) {
    Connection& c = *connections_[index];
    c.in_flight = false;
    std::string json = response_json(c.parser.header("Content-Type"), c.parser.body());
    bool ok = c.parser.status() == 200 && is_tool_success(json) &&
              (config_.expect.empty() || json.find(config_.expect) != std::string::npos);
    if (!ok) {
      ++result_.errors;
      if (result_.first_error.empty())
        result_.first_error =
            "HTTP " + std::to_string(c.parser.status()) + ": " + json.substr(0, 300);
    }
    if (c.started_ns >= warmup_end_ns_ && !stopping(now) && ok) {
      std::int64_t latency = now - c.started_ns;
      result_.latencies_ns.push_back(latency);
      if (config_.peer_time) {
        auto peer = integer_after(json, "peer_ns=");
        auto peer_wake = integer_after(json, "wake_ns=");
        if (!peer || !peer_wake) {
          ++result_.errors;
          if (result_.first_error.empty())
            result_.first_error = "no peer_ns/wake_ns in result: " + json.substr(0, 300);
        } else {
          std::int64_t arrived = std::min(c.arrived_ns, now);
          result_.peer_ns.push_back(*peer);
          result_.server_added_ns.push_back(arrived - c.started_ns - *peer);
          result_.load_wake_ns.push_back(now - arrived + *peer_wake);
        }
      }
      ++result_.measured;
      last_measured_ns_ = now;
      if (config_.rss_pid > 0 && config_.rss_every > 0 && result_.measured % config_.rss_every == 0)
        result_.rss_samples.emplace_back(result_.measured, rss_kib(config_.rss_pid));
      if (result_.measured >= config_.max_requests)
        measured_done_ = true;
    }
    if (!stopping(now))
      send_next(index);
  }

  void on_readable(std::size_t index) {
    Connection& c = *connections_[index];
    char buffer[65536];
    for (;;) {
      long n;
      try {
        n = read_some_stamped(c.socket->fd(), buffer, sizeof buffer, &c.arrived_ns);
      } catch (const std::exception& e) {
        fail(c, e.what());
        return;
      }
      if (n < 0)
        return;  // EAGAIN
      if (n == 0) {
        fail(c, "server closed a keep-alive connection");
        return;
      }
      if (!c.in_flight) {
        fail(c, "bytes received with no request in flight");
        return;
      }
      try {
        std::size_t used = c.parser.feed(buffer, static_cast<std::size_t>(n));
        if (used != static_cast<std::size_t>(n)) {
          fail(c, "bytes after the end of a response");
          return;
        }
      } catch (const std::exception& e) {
        fail(c, e.what());
        return;
      }
      if (c.parser.done()) {
        complete(index, now_ns());
        return;
      }
      if (static_cast<std::size_t>(n) < sizeof buffer)
        return;
    }
  }

  void drive() {
    watching_out_.assign(connections_.size(), false);
    std::int64_t begin = now_ns();
    warmup_end_ns_ = begin + static_cast<std::int64_t>(config_.warmup_seconds * 1e9);
    measure_end_ns_ = warmup_end_ns_ + static_cast<std::int64_t>(config_.duration_seconds * 1e9);
    const std::int64_t hard_end = measure_end_ns_ + 15'000'000'000LL;
    for (std::size_t i = 0; i < connections_.size(); ++i)
      send_next(i);
    epoll_event events[256];
    std::int64_t stopped_at = 0;
    for (;;) {
      std::int64_t now = now_ns();
      if (stopping(now) && stopped_at == 0)
        stopped_at = measured_done_ ? last_measured_ns_ : measure_end_ns_;
      bool any_in_flight = false;
      for (auto& c : connections_)
        any_in_flight |= (c->in_flight && !c->dead);
      if (!any_in_flight)
        break;
      if (now > hard_end) {
        for (auto& c : connections_)
          if (c->in_flight && !c->dead)
            fail(*c, "response not received within 15 s after the end");
        break;
      }
      int n = epoll_wait(epoll_, events, 256, 100);
      if (n < 0 && errno != EINTR)
        throw std::runtime_error(std::string("epoll_wait: ") + std::strerror(errno));
      for (int i = 0; i < n; ++i) {
        auto index = static_cast<std::size_t>(events[i].data.u64);
        Connection& c = *connections_[index];
        if (c.dead)
          continue;
        if (events[i].events & EPOLLOUT)
          flush(index);
        if (events[i].events & (EPOLLIN | EPOLLHUP | EPOLLERR))
          on_readable(index);
      }
    }
    if (stopped_at == 0)
      stopped_at = last_measured_ns_ > 0 ? last_measured_ns_ : now_ns();
    result_.seconds = static_cast<double>(stopped_at - warmup_end_ns_) / 1e9;
  }

  const LoadConfig& config_;
  std::vector<std::unique_ptr<Connection>> connections_;
  std::vector<bool> watching_out_;
  int epoll_ = -1;
  std::int64_t warmup_end_ns_ = 0;
  std::int64_t measure_end_ns_ = 0;
  std::int64_t last_measured_ns_ = 0;
  bool measured_done_ = false;
  LoadResult result_;
};

}  // namespace

LoadResult run_load(const LoadConfig& config) {
  return LoadRun(config).run();
}

}  // namespace bench
