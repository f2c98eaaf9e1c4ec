// bench_fanout: time from one bus broadcast until its last recipient has it.
//
// Opens N recipient MCP sessions, each with logging level debug, one registered client
// ("llm-fan-<i>") and an open GET stream, then runs R rounds. In each round every user's
// sender session calls blender_send_message (broadcast) with payload
// {"kind":"announcement","text":"bench-fan-<round>"}; the program records when each recipient's
// stream delivers that record. Reported per round: the time from the first send starting to
// the last (and first) recipient. Sessions are spread over users of at most --per-user
// recipients each, because the contract allows 64 MCP sessions per user; with several users
// the senders (one per user, on their own threads) start together and every broadcast
// reaches that user's recipients only.
//
//   bench_fanout --url http://127.0.0.1:PORT/mcp --login-base http://127.0.0.1:PORT
//                --user-prefix bench --password P --sessions N [--per-user 63] [--repeats R]
//                [--rss-pid PID]
//   bench_fanout --url ... --sessions N --open-only [--rss-pid PID]
//       only opens N sessions with their GET streams (no login, no bus), samples RSS and ends
//       them: the idle-session memory figure for servers that have no bus (the SDK contenders);
//       with --password it logs in as the users above (for blender-mcp).
// Users are <prefix>01, <prefix>02, ... and must exist. Prints one JSON object.
#include <sys/epoll.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <condition_variable>
#include <cstdio>
#include <cstring>
#include <memory>
#include <mutex>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include "blocking_connection.hpp"
#include "cli_args.hpp"
#include "clock.hpp"
#include "latency_summary.hpp"
#include "mcp_session.hpp"
#include "process_rss.hpp"
#include "socket_io.hpp"
#include "sse_event_parser.hpp"
#include "text_scan.hpp"

using namespace bench;

namespace {

struct Recipient {
  std::size_t user = 0;
  std::string session_id;
  std::unique_ptr<BlockingConnection> stream;
  std::unique_ptr<SseEventParser> events;
  std::int64_t arrived_round = -1;
  std::int64_t arrived_ns = 0;
};

struct Sender {
  McpEndpoint endpoint;
  std::unique_ptr<BlockingConnection> connection;
  std::string session_id;
};

// Releases all sender threads at the start of a round and collects their start times.
class RoundGate {
 public:
  void start(std::int64_t round) {
    std::lock_guard lock(mutex_);
    round_ = round;
    first_send_ns_ = 0;
    changed_.notify_all();
  }
  std::int64_t wait_for(std::int64_t after) {
    std::unique_lock lock(mutex_);
    changed_.wait(lock, [&] { return round_ > after; });
    return round_;
  }
  void sending(std::int64_t t) {
    std::lock_guard lock(mutex_);
    if (first_send_ns_ == 0 || t < first_send_ns_)
      first_send_ns_ = t;
  }
  std::int64_t first_send_ns() {
    std::lock_guard lock(mutex_);
    return first_send_ns_;
  }

 private:
  std::mutex mutex_;
  std::condition_variable changed_;
  std::int64_t round_ = -1;
  std::int64_t first_send_ns_ = 0;
};

std::string user_name(const std::string& prefix, std::size_t index) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%02zu", index + 1);
  return prefix + buf;
}

}  // namespace

int main(int argc, char** argv) {
  try {
    CliArgs args(argc, argv,
                 {"url", "login-base", "user-prefix", "password", "sessions", "per-user", "repeats",
                  "rss-pid"},
                 {"open-only"});
    const bool open_only = args.has("open-only");
    const HttpUrl url = parse_http_url(args.text("url"));
    const HttpUrl login_base = parse_http_url(args.text("login-base", args.text("url")));
    const std::string prefix = args.text("user-prefix", "bench");
    const std::string password = open_only ? args.text("password", "") : args.text("password");
    const auto sessions = static_cast<std::size_t>(args.integer("sessions", 10));
    const auto per_user = static_cast<std::size_t>(args.integer("per-user", 63));
    const auto repeats = args.integer("repeats", 20);
    const int rss_pid = static_cast<int>(args.integer("rss-pid", 0));
    if (sessions < 1 || per_user < 1 || repeats < 1)
      throw std::runtime_error("--sessions, --per-user and --repeats must be >= 1");
    const std::size_t users = (sessions + per_user - 1) / per_user;

    std::vector<Sender> senders(users);
    for (std::size_t u = 0; u < users; ++u) {
      senders[u].endpoint.url = url;
      if (!password.empty())
        senders[u].endpoint.token = login(login_base, user_name(prefix, u), password);
    }
    const std::int64_t rss_before = rss_pid ? rss_kib(rss_pid) : 0;

    // Recipients: initialize, level debug, register, then open the stream.
    std::vector<Recipient> recipients(sessions);
    std::atomic<std::int64_t> current_round{-1};
    for (std::size_t i = 0; i < sessions; ++i) {
      Recipient& r = recipients[i];
      r.user = i / per_user;
      const McpEndpoint& endpoint = senders[r.user].endpoint;
      {
        BlockingConnection setup(url);
        r.session_id = open_session(setup, endpoint);
        if (!open_only)
          call(setup, endpoint, r.session_id, set_level_body(1, "debug"));
        std::string registered =
            open_only ? std::string("\"result\"")
                      : call(setup, endpoint, r.session_id,
                             tool_call_body(2, "blender_register_client",
                                            "{\"client_uuid\":\"llm-fan-" + std::to_string(i) +
                                                "\",\"client_type\":\"llm\"}"));
        if (!is_tool_success(registered))
          throw std::runtime_error("register failed: " + registered);
      }
      r.events = std::make_unique<SseEventParser>([&r, &current_round](std::string_view data) {
        auto round = integer_after(data, "bench-fan-");
        if (round && *round == current_round.load() && r.arrived_round != *round) {
          r.arrived_round = *round;
          r.arrived_ns = now_ns();
        }
      });
      r.stream = std::make_unique<BlockingConnection>(url);
      const auto& head =
          r.stream->open_stream(get_stream_request(endpoint, r.session_id),
                                [&r](std::string_view bytes) { r.events->feed(bytes); });
      if (head.status() != 200)
        throw std::runtime_error("GET stream got HTTP " + std::to_string(head.status()));
    }
    for (auto& s : senders) {
      s.connection = std::make_unique<BlockingConnection>(url);
      s.session_id = open_session(*s.connection, s.endpoint);
    }
    const std::int64_t rss_open = rss_pid ? rss_kib(rss_pid) : 0;
    if (open_only) {
      for (auto& r : recipients)
        r.stream.reset();
      for (std::size_t u = 0; u < users; ++u) {
        BlockingConnection closer(url);
        for (const auto& r : recipients)
          if (r.user == u)
            end_session(closer, senders[u].endpoint, r.session_id);
        end_session(*senders[u].connection, senders[u].endpoint, senders[u].session_id);
      }
      std::printf("{\"sessions\":%zu,\"rss_before_kib\":%lld,\"rss_open_kib\":%lld}\n", sessions,
                  static_cast<long long>(rss_before), static_cast<long long>(rss_open));
      return 0;
    }

    int epoll = epoll_create1(EPOLL_CLOEXEC);
    for (std::size_t i = 0; i < sessions; ++i) {
      set_nonblocking(recipients[i].stream->fd());
      epoll_event ev{};
      ev.events = EPOLLIN;
      ev.data.u64 = i;
      if (epoll_ctl(epoll, EPOLL_CTL_ADD, recipients[i].stream->fd(), &ev) != 0)
        throw std::runtime_error(std::string("epoll_ctl: ") + std::strerror(errno));
    }

    RoundGate gate;
    std::atomic<long> send_errors{0};
    std::vector<std::thread> threads;
    for (std::size_t u = 0; u < users; ++u) {
      threads.emplace_back([&, u] {
        std::int64_t seen = -1;
        for (;;) {
          seen = gate.wait_for(seen);
          if (seen >= repeats)
            return;
          std::string body =
              tool_call_body(10 + seen, "blender_send_message",
                             "{\"payload\":{\"kind\":\"announcement\",\"text\":\"bench-fan-" +
                                 std::to_string(seen) + "\"}}");
          std::string request = post_request(senders[u].endpoint, senders[u].session_id, body);
          gate.sending(now_ns());
          try {
            const auto& response = senders[u].connection->round_trip(request);
            if (response.status() != 200)
              ++send_errors;
          } catch (const std::exception& e) {
            ++send_errors;
          }
        }
      });
    }

    std::vector<std::int64_t> last_ns, first_ns;
    long missing = 0;
    char buffer[65536];
    epoll_event events[512];
    for (std::int64_t round = 0; round < repeats; ++round) {
      current_round = round;
      gate.start(round);
      std::size_t arrived = 0;
      const std::int64_t deadline = now_ns() + 10'000'000'000LL;
      while (arrived < sessions && now_ns() < deadline) {
        int n = epoll_wait(epoll, events, 512, 100);
        for (int k = 0; k < n; ++k) {
          Recipient& r = recipients[events[k].data.u64];
          for (;;) {
            long got = read_some(r.stream->fd(), buffer, sizeof buffer);
            if (got <= 0) {
              if (got == 0)
                throw std::runtime_error("the server closed a recipient's stream");
              break;
            }
            bool before = r.arrived_round == round;
            r.stream->parser().feed(buffer, static_cast<std::size_t>(got));
            if (!before && r.arrived_round == round)
              ++arrived;
          }
        }
      }
      missing += static_cast<long>(sessions - arrived);
      std::int64_t first = 0, last = 0;
      for (const auto& r : recipients) {
        if (r.arrived_round != round)
          continue;
        if (first == 0 || r.arrived_ns < first)
          first = r.arrived_ns;
        last = std::max(last, r.arrived_ns);
      }
      std::int64_t t0 = gate.first_send_ns();
      if (arrived == sessions) {
        last_ns.push_back(last - t0);
        first_ns.push_back(first - t0);
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    gate.start(repeats);
    for (auto& t : threads)
      t.join();
    const std::int64_t rss_after = rss_pid ? rss_kib(rss_pid) : 0;

    // Clean up: close the streams, then end every session so later runs start from zero.
    close(epoll);
    for (auto& r : recipients)
      r.stream.reset();
    for (std::size_t u = 0; u < users; ++u) {
      BlockingConnection closer(url);
      for (const auto& r : recipients)
        if (r.user == u)
          end_session(closer, senders[u].endpoint, r.session_id);
      end_session(*senders[u].connection, senders[u].endpoint, senders[u].session_id);
    }

    auto last = summarize(last_ns);
    auto first = summarize(first_ns);
    std::string out =
        "{\"sessions\":" + std::to_string(sessions) + ",\"users\":" + std::to_string(users) +
        ",\"repeats\":" + std::to_string(repeats) + ",\"missing\":" + std::to_string(missing) +
        ",\"send_errors\":" + std::to_string(send_errors.load()) +
        ",\"last_recipient\":" + last.json() + ",\"first_recipient\":" + first.json();
    if (rss_pid) {
      out += ",\"rss_before_kib\":" + std::to_string(rss_before) +
             ",\"rss_open_kib\":" + std::to_string(rss_open) +
             ",\"rss_after_kib\":" + std::to_string(rss_after);
    }
    out += "}";
    std::puts(out.c_str());
    return missing == 0 && send_errors == 0 ? 0 : 1;
  } catch (const std::exception& e) {
    std::fprintf(stderr, "bench_fanout: %s\n", e.what());
    return 2;
  }
}
