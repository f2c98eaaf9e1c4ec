// bench_load: closed-loop tools/call load on an MCP Streamable HTTP server; prints one JSON
// object with throughput and latency percentiles (see bench/README.md).
//
//   bench_load --url http://127.0.0.1:PORT/mcp [--token T | --login-base URL --user U --password P]
//              --clients N --tool NAME [--arguments JSON] [--requests MAX] [--duration S]
//              [--warmup S] [--rss-pid PID --rss-every K] [--peer-time] [--protocol-version V]
//              [--expect TEXT]   (a response without TEXT, e.g. '"status":"completed"', is an
//              error)
#include <cstdio>
#include <exception>
#include <stdexcept>
#include <string>

#include "cli_args.hpp"
#include "load_engine.hpp"
#include "mcp_session.hpp"

using namespace bench;

int main(int argc, char** argv) {
  try {
    CliArgs args(
        argc, argv,
        {"url", "token", "login-base", "user", "password", "clients", "tool", "arguments",
         "requests", "duration", "warmup", "rss-pid", "rss-every", "protocol-version", "expect"},
        {"peer-time"});
    LoadConfig config;
    config.endpoint.url = parse_http_url(args.text("url"));
    config.endpoint.protocol_version = args.text("protocol-version", "2025-06-18");
    if (args.has("token")) {
      config.endpoint.token = args.text("token");
    } else if (args.has("login-base")) {
      config.endpoint.token =
          login(parse_http_url(args.text("login-base")), args.text("user"), args.text("password"));
    }
    config.clients = static_cast<int>(args.integer("clients", 1));
    if (config.clients < 1)
      throw std::runtime_error("--clients must be at least 1");
    config.tool = args.text("tool");
    config.arguments_json = args.text("arguments", "{}");
    config.max_requests = args.integer("requests", 100000);
    config.duration_seconds = args.number("duration", 5.0);
    config.warmup_seconds = args.number("warmup", 1.0);
    config.rss_pid = static_cast<int>(args.integer("rss-pid", 0));
    config.rss_every = args.integer("rss-every", 0);
    config.peer_time = args.has("peer-time");
    config.expect = args.text("expect", "");

    LoadResult result = run_load(config);
    auto latency = summarize(result.latencies_ns);
    std::string out = "{\"clients\":" + std::to_string(config.clients) +
                      ",\"measured\":" + std::to_string(result.measured) +
                      ",\"errors\":" + std::to_string(result.errors) +
                      ",\"seconds\":" + std::to_string(result.seconds) + ",\"rps\":" +
                      std::to_string(result.seconds > 0 ? result.measured / result.seconds : 0.0) +
                      ",\"latency\":" + latency.json();
    if (config.peer_time) {
      out += ",\"server_added\":" + summarize(result.server_added_ns).json();
      out += ",\"peer\":" + summarize(result.peer_ns).json();
      out += ",\"load_wake\":" + summarize(result.load_wake_ns).json();
    }
    if (!result.rss_samples.empty()) {
      out += ",\"rss_kib\":[";
      for (std::size_t i = 0; i < result.rss_samples.size(); ++i) {
        if (i)
          out += ",";
        out += "[" + std::to_string(result.rss_samples[i].first) + "," +
               std::to_string(result.rss_samples[i].second) + "]";
      }
      out += "]";
    }
    out += ",\"first_error\":" + json_string(result.first_error) + "}";
    std::puts(out.c_str());
    return result.errors == 0 ? 0 : 1;
  } catch (const std::exception& e) {
    std::fprintf(stderr, "bench_load: %s\n", e.what());
    return 2;
  }
}
