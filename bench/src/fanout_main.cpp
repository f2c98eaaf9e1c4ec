// bench_fanout: time from one bus broadcast until its last recipient has it.
//
// Opens N recipient MCP sessions, each with logging level debug, one registered client
// ("llm-fan-<i>") and an open GET stream, then runs R rounds. In each round every user's
// sender session calls blender_send_message (broadcast) with payload
// {"kind":"announcement","text":"bench-fan-<round>"}; the program records when each recipient's
// stream delivers that record. Reported per round: the time from the first send starting to
// the last (and first) recipient. "Arrived" is when the kernel received the record on the
// recipient's socket (SO_TIMESTAMPNS), so this program's own pace of reading 1,000 sockets
// does not count; "read" is when this program had read it. Sessions are spread over users of
// at most --per-user recipients each, because the contract allows 64 MCP sessions per user;
// with several users the one thread that reads the streams first writes every sender's
// request back to back, and every broadcast reaches that user's recipients only.
//
//   bench_fanout --url http://127.0.0.1:PORT/mcp --login-base http://127.0.0.1:PORT
//                --user-prefix bench --password P --sessions N [--per-user 63] [--repeats R]
//                [--rss-pid PID]
//   bench_fanout --url ... --sessions N --open-only [--rss-pid PID]
//       only opens N sessions with their GET streams (no login, no bus), samples RSS and ends
//       them: the idle-session memory figure for servers that have no bus (the SDK contenders);
//       with --password it logs in as the users above (for blender-mcp).
//   bench_fanout --floor --url http://127.0.0.1:PORT --sessions N [--repeats R]
//       the same rounds against bench_fanout_floor (plain sockets, one sender, no HTTP): the
//       kernel's share of a fan-out on this machine, measured the same way.
// Users are <prefix>01, <prefix>02, ... and must exist. Prints one JSON object.
#include <sys/epoll.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <memory>
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
  std::unique_ptr<BlockingConnection> stream;  // an MCP GET stream, or
  int floor_fd = -1;                           // a plain socket of bench_fanout_floor
  std::unique_ptr<SseEventParser> events;
  std::int64_t arrived_round = -1;
  std::int64_t arrived_ns = 0;  // the kernel received the round's record
  std::int64_t read_ns = 0;     // this program had read it
  std::size_t data_bytes = 0;   // the size of the record's SSE data
};

struct Sender {
  McpEndpoint endpoint;
  std::unique_ptr<BlockingConnection> connection;
  std::string session_id;
  int floor_fd = -1;  // bench_fanout_floor's sender connection, answered "ok\n" per round
};

// Connects one plain socket to bench_fanout_floor and says what it is.
int floor_connection(const HttpUrl& url, const std::string& hello) {
  const int fd = connect_tcp(url);
  write_all(fd, hello + "\n");
  return fd;
}

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
                 {"open-only", "floor"});
    const bool open_only = args.has("open-only");
    const bool floor = args.has("floor");
    const HttpUrl url = parse_http_url(args.text("url"));
    const HttpUrl login_base = parse_http_url(args.text("login-base", args.text("url")));
    const std::string prefix = args.text("user-prefix", "bench");
    const std::string password =
        open_only || floor ? args.text("password", "") : args.text("password");
    const auto sessions = static_cast<std::size_t>(args.integer("sessions", 10));
    const auto per_user = static_cast<std::size_t>(args.integer("per-user", 63));
    const auto repeats = args.integer("repeats", 20);
    const int rss_pid = static_cast<int>(args.integer("rss-pid", 0));
    if (sessions < 1 || per_user < 1 || repeats < 1)
      throw std::runtime_error("--sessions, --per-user and --repeats must be >= 1");
    const std::size_t users = floor ? 1 : (sessions + per_user - 1) / per_user;

    std::vector<Sender> senders(users);
    for (std::size_t u = 0; u < users; ++u) {
      senders[u].endpoint.url = url;
      if (!password.empty())
        senders[u].endpoint.token = login(login_base, user_name(prefix, u), password);
    }
    const std::int64_t rss_before = rss_pid ? rss_kib(rss_pid) : 0;

    // Recipients: initialize, level debug, register, then open the stream.
    std::vector<Recipient> recipients(sessions);
    std::int64_t current_round = -1;
    std::int64_t chunk_arrived_ns = 0;  // when the bytes being parsed arrived
    for (std::size_t i = 0; i < sessions; ++i) {
      Recipient& r = recipients[i];
      r.user = floor ? 0 : i / per_user;
      r.events = std::make_unique<SseEventParser>(
          [&r, &current_round, &chunk_arrived_ns](std::string_view data) {
            auto round = integer_after(data, "bench-fan-");
            if (round && *round == current_round && r.arrived_round != *round) {
              r.arrived_round = *round;
              r.data_bytes = data.size();
              r.read_ns = now_ns();
              r.arrived_ns = std::min(chunk_arrived_ns, r.read_ns);
            }
          });
      if (floor) {
        r.floor_fd = floor_connection(url, "recipient");
        continue;
      }
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
      r.stream = std::make_unique<BlockingConnection>(url);
      const auto& head =
          r.stream->open_stream(get_stream_request(endpoint, r.session_id),
                                [&r](std::string_view bytes) { r.events->feed(bytes); });
      if (head.status() != 200)
        throw std::runtime_error("GET stream got HTTP " + std::to_string(head.status()));
    }
    for (auto& s : senders) {
      if (floor) {
        s.floor_fd = floor_connection(url, "sender " + std::to_string(sessions));
        char ready[6];
        if (read_some(s.floor_fd, ready, sizeof ready) != 6 ||
            std::string_view(ready, 6) != "ready\n")
          throw std::runtime_error("bench_fanout_floor did not accept the recipients");
        continue;
      }
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

    // Recipients' streams have indexes 0..N-1 in the epoll set, senders N..N+users-1.
    int epoll = epoll_create1(EPOLL_CLOEXEC);
    auto watch = [&](int fd, std::size_t index) {
      set_nonblocking(fd);
      epoll_event ev{};
      ev.events = EPOLLIN;
      ev.data.u64 = index;
      if (epoll_ctl(epoll, EPOLL_CTL_ADD, fd, &ev) != 0)
        throw std::runtime_error(std::string("epoll_ctl: ") + std::strerror(errno));
    };
    auto recipient_fd = [](const Recipient& r) { return r.stream ? r.stream->fd() : r.floor_fd; };
    auto sender_fd = [](const Sender& s) { return s.connection ? s.connection->fd() : s.floor_fd; };
    for (std::size_t i = 0; i < sessions; ++i) {
      enable_arrival_stamps(recipient_fd(recipients[i]));
      watch(recipient_fd(recipients[i]), i);
    }
    for (std::size_t u = 0; u < users; ++u)
      watch(sender_fd(senders[u]), sessions + u);

    long send_errors = 0;
    std::vector<std::int64_t> last_ns, first_ns, last_read_ns;
    long missing = 0;
    char buffer[65536];
    epoll_event events[512];
    for (std::int64_t round = 0; round < repeats; ++round) {
      current_round = round;
      std::vector<std::string> requests;
      for (std::size_t u = 0; u < users && floor; ++u)
        requests.push_back("round " + std::to_string(round) + "\n");
      for (std::size_t u = 0; u < users && !floor; ++u) {
        std::string body =
            tool_call_body(10 + round, "blender_send_message",
                           "{\"payload\":{\"kind\":\"announcement\",\"text\":\"bench-fan-" +
                               std::to_string(round) + "\"}}");
        requests.push_back(post_request(senders[u].endpoint, senders[u].session_id, body));
        senders[u].connection->parser().reset();
      }
      const std::int64_t t0 = now_ns();
      for (std::size_t u = 0; u < users; ++u)
        write_all(sender_fd(senders[u]), requests[u]);
      std::size_t arrived = 0, answered = 0;
      const std::int64_t deadline = now_ns() + 10'000'000'000LL;
      while ((arrived < sessions || answered < users) && now_ns() < deadline) {
        int n = epoll_wait(epoll, events, 512, 100);
        for (int k = 0; k < n; ++k) {
          const auto index = static_cast<std::size_t>(events[k].data.u64);
          const int fd = index < sessions ? recipient_fd(recipients[index])
                                          : sender_fd(senders[index - sessions]);
          for (;;) {
            long got = read_some_stamped(fd, buffer, sizeof buffer, &chunk_arrived_ns);
            if (got <= 0) {
              if (got == 0)
                throw std::runtime_error("the server closed a connection");
              break;
            }
            if (index >= sessions) {
              Sender& sender = senders[index - sessions];
              if (floor) {
                // "ok\n" per round; anything else is the floor's error line.
                if (std::string_view(buffer, static_cast<std::size_t>(got)) == "ok\n")
                  ++answered;
                else
                  throw std::runtime_error("bench_fanout_floor answered " +
                                           std::string(buffer, static_cast<std::size_t>(got)));
                continue;
              }
              sender.connection->parser().feed(buffer, static_cast<std::size_t>(got));
              if (sender.connection->parser().done()) {
                ++answered;
                if (sender.connection->parser().status() != 200)
                  ++send_errors;
              }
              continue;
            }
            Recipient& r = recipients[index];
            bool before = r.arrived_round == round;
            if (r.stream)
              r.stream->parser().feed(buffer, static_cast<std::size_t>(got));
            else
              r.events->feed(std::string_view(buffer, static_cast<std::size_t>(got)));
            if (!before && r.arrived_round == round)
              ++arrived;
            // A short read emptied the socket: epoll (level-triggered) reports it again when
            // more arrives, so a second read that would only say EAGAIN is not made. The
            // reader shares the cores with the server in the two-thread run.
            if (static_cast<std::size_t>(got) < sizeof buffer)
              break;
          }
        }
      }
      missing += static_cast<long>(sessions - arrived);
      send_errors += static_cast<long>(users - answered);
      std::int64_t first = 0, last = 0, last_read = 0;
      for (const auto& r : recipients) {
        if (r.arrived_round != round)
          continue;
        if (first == 0 || r.arrived_ns < first)
          first = r.arrived_ns;
        last = std::max(last, r.arrived_ns);
        last_read = std::max(last_read, r.read_ns);
      }
      if (arrived == sessions) {
        last_ns.push_back(last - t0);
        first_ns.push_back(first - t0);
        last_read_ns.push_back(last_read - t0);
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    const std::int64_t rss_after = rss_pid ? rss_kib(rss_pid) : 0;

    // Clean up: close the streams, then end every session so later runs start from zero. The
    // floor ends when its sender hangs up.
    close(epoll);
    for (auto& r : recipients) {
      if (floor)
        close(r.floor_fd);
      r.stream.reset();
    }
    for (std::size_t u = 0; u < users; ++u) {
      if (floor) {
        close(senders[u].floor_fd);
        continue;
      }
      set_blocking(senders[u].connection->fd());
      BlockingConnection closer(url);
      for (const auto& r : recipients)
        if (r.user == u)
          end_session(closer, senders[u].endpoint, r.session_id);
      end_session(*senders[u].connection, senders[u].endpoint, senders[u].session_id);
    }

    std::size_t data_bytes = 0;
    for (const auto& r : recipients)
      data_bytes = std::max(data_bytes, r.data_bytes);
    auto last = summarize(last_ns);
    auto first = summarize(first_ns);
    auto last_read = summarize(last_read_ns);
    std::string out =
        "{\"sessions\":" + std::to_string(sessions) + ",\"users\":" + std::to_string(users) +
        ",\"repeats\":" + std::to_string(repeats) + ",\"missing\":" + std::to_string(missing) +
        ",\"send_errors\":" + std::to_string(send_errors) + ",\"last_recipient\":" + last.json() +
        ",\"first_recipient\":" + first.json() + ",\"last_recipient_read\":" + last_read.json() +
        ",\"data_bytes\":" + std::to_string(data_bytes);
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
