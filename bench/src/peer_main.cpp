// bench_peer: a fast stand-in for the Blender addon on the bus, for dispatch round-trip
// benchmarks. It speaks the same protocol as examples/fake_blender_peer.py over two raw
// HTTP/1.1 keep-alive connections: one holds the session's GET SSE stream, the other POSTs.
//
// Every command_dispatch record addressed to its uuid is answered at once with
// blender_job_update(status "completed", result "peer_ns=<n> wake_ns=<w>"): n is the time in
// nanoseconds the job spent inside this peer, from the moment the kernel received its event on
// the stream's socket (SO_TIMESTAMPNS) to the moment the reply request starts to be written
// (waking up, parsing and queueing for the POST connection included); w is the part of it
// before the event was parsed (mostly this process waking up). The load generator subtracts n
// from the round trip to get the server-added latency.
//
//   bench_peer --url http://127.0.0.1:PORT/mcp (--token T | --login-base URL --user U --password P)
//              [--uuid blender-bench-peer] [--duration S]
// Prints "ready <uuid>" on stdout once registered with its stream open; runs until SIGTERM,
// SIGINT or --duration, then ends its session and prints "answered <n> errors <e>" on stderr.
#include <signal.h>

#include <algorithm>
#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <cstdio>
#include <deque>
#include <mutex>
#include <stdexcept>
#include <string>
#include <thread>

#include "blocking_connection.hpp"
#include "cli_args.hpp"
#include "clock.hpp"
#include "mcp_session.hpp"
#include "socket_io.hpp"
#include "sse_event_parser.hpp"
#include "text_scan.hpp"

using namespace bench;

namespace {

struct Job {
  std::string job_id;
  std::int64_t arrived_ns;  // the kernel received the event
  std::int64_t parsed_ns;   // this process had parsed it
};

class JobQueue {
 public:
  void push(Job job) {
    {
      std::lock_guard lock(mutex_);
      jobs_.push_back(std::move(job));
    }
    ready_.notify_one();
  }
  Job pop() {
    std::unique_lock lock(mutex_);
    ready_.wait(lock, [&] { return !jobs_.empty(); });
    Job job = std::move(jobs_.front());
    jobs_.pop_front();
    return job;
  }

 private:
  std::mutex mutex_;
  std::condition_variable ready_;
  std::deque<Job> jobs_;
};

std::atomic<long> answered{0};
std::atomic<long> errors{0};

// Reads the standalone stream; its event callback queues the dispatches.
void read_stream(BlockingConnection& stream) {
  while (stream.pump()) {
  }
  std::fprintf(stderr, "bench_peer: the server closed the SSE stream\n");
  std::fflush(stderr);
}

void answer_jobs(BlockingConnection& post, const McpEndpoint& endpoint,
                 const std::string& session_id, JobQueue& queue) {
  std::int64_t next_id = 100;
  for (;;) {
    Job job = queue.pop();
    std::int64_t peer_ns = now_ns() - job.arrived_ns;
    std::string arguments =
        "{\"job_id\":" + json_string(job.job_id) +
        ",\"status\":\"completed\",\"result\":\"peer_ns=" + std::to_string(peer_ns) +
        " wake_ns=" + std::to_string(job.parsed_ns - job.arrived_ns) + "\",\"error\":\"\"}";
    try {
      const auto& response = post.round_trip(post_request(
          endpoint, session_id, tool_call_body(next_id++, "blender_job_update", arguments)));
      std::string json = response_json(response.header("Content-Type"), response.body());
      if (response.status() == 200 && is_tool_success(json)) {
        ++answered;
      } else if (++errors <= 5) {
        std::fprintf(stderr, "bench_peer: job update failed: %s\n", json.substr(0, 300).c_str());
      }
    } catch (const std::exception& e) {
      std::fprintf(stderr, "bench_peer: POST connection failed: %s\n", e.what());
      std::_Exit(3);
    }
  }
}

}  // namespace

int main(int argc, char** argv) {
  try {
    CliArgs args(argc, argv,
                 {"url", "token", "login-base", "user", "password", "uuid", "duration"});
    McpEndpoint endpoint;
    endpoint.url = parse_http_url(args.text("url"));
    endpoint.token = args.has("token") ? args.text("token")
                                       : login(parse_http_url(args.text("login-base")),
                                               args.text("user"), args.text("password"));
    const std::string uuid = args.text("uuid", "blender-bench-peer");
    const double duration = args.number("duration", 0);

    // Block the stop signals in every thread; main waits for them with sigtimedwait.
    sigset_t stop_signals;
    sigemptyset(&stop_signals);
    sigaddset(&stop_signals, SIGINT);
    sigaddset(&stop_signals, SIGTERM);
    pthread_sigmask(SIG_BLOCK, &stop_signals, nullptr);

    BlockingConnection post(endpoint.url);
    const std::string session_id = open_session(post, endpoint);
    call(post, endpoint, session_id, set_level_body(1, "debug"));

    JobQueue queue;
    const std::string target_marker = "\"target_uuid\":" + json_string(uuid);
    BlockingConnection stream(endpoint.url);
    enable_arrival_stamps(stream.fd());
    SseEventParser events([&](std::string_view data) {
      std::int64_t parsed = now_ns();
      if (data.find("\"command_dispatch\"") == std::string_view::npos)
        return;
      if (data.find(target_marker) == std::string_view::npos)
        return;
      auto job_id = string_field(data, "job_id");
      if (job_id)
        queue.push({*job_id, std::min(stream.arrived_ns(), parsed), parsed});
    });
    const auto& head = stream.open_stream(get_stream_request(endpoint, session_id),
                                          [&](std::string_view bytes) { events.feed(bytes); });
    if (head.status() != 200)
      throw std::runtime_error("GET stream got HTTP " + std::to_string(head.status()));

    std::string registered =
        call(post, endpoint, session_id,
             tool_call_body(2, "blender_register_client",
                            "{\"client_uuid\":" + json_string(uuid) +
                                ",\"client_type\":\"blender\",\"is_persistent\":false,"
                                "\"capabilities\":[\"python_execution\"]}"));
    if (!is_tool_success(registered))
      throw std::runtime_error("register failed: " + registered);

    std::thread reader([&] { read_stream(stream); });
    std::thread writer([&] { answer_jobs(post, endpoint, session_id, queue); });
    reader.detach();
    writer.detach();
    std::printf("ready %s\n", uuid.c_str());
    std::fflush(stdout);

    timespec wait{};
    wait.tv_sec = duration > 0 ? static_cast<time_t>(duration) : 24 * 3600;
    sigtimedwait(&stop_signals, nullptr, &wait);

    BlockingConnection closer(endpoint.url);
    end_session(closer, endpoint, session_id);
    std::fprintf(stderr, "answered %ld errors %ld\n", answered.load(), errors.load());
    std::fflush(stderr);
    std::_Exit(0);
  } catch (const std::exception& e) {
    std::fprintf(stderr, "bench_peer: %s\n", e.what());
    return 2;
  }
}
