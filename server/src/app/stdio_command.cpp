#include "app/stdio_command.hpp"

#include <spdlog/spdlog.h>

#include <csignal>
#include <cstdio>
#include <iostream>
#include <thread>

#include "app/serve.hpp"
#include "bridge/bridge.hpp"
#include "core/clock.hpp"
#include "core/logging.hpp"
#include "core/thread_pool.hpp"
#include "mcp/engine.hpp"
#include "stdio/local_server.hpp"
#include "stdio/stdio_loop.hpp"
#include "tools/diagnostics_tools.hpp"
#include "tools/guidance_prompts.hpp"

namespace bmcp::app {
namespace {

// How long the end of input waits for answers still being worked on (a diagnostics check that
// starts Blender may take 30 s).
constexpr auto kDrainLimit = std::chrono::seconds(40);

std::optional<std::string> process_env(const std::string& name) {
  const char* value = std::getenv(name.c_str());
  if (!value || !*value)
    return std::nullopt;
  return std::string(value);
}

// The stdio build's own surface: the diagnostics tools (no role check, and any blender_path:
// whoever starts the process already has this user's files) and the eight guidance prompts.
void add_local_surface(mcp::Registry& registry, ThreadPool& workers) {
  tools::DiagnosticsOptions diagnostics;
  diagnostics.access = tools::DiagnosticsAccess::kMachineOwner;
  diagnostics.workers = &workers;
  tools::add_diagnostics_tools(registry, diagnostics);
  tools::add_guidance_prompts(registry);
}

mcp::EngineOptions stdio_engine_options() {
  mcp::EngineOptions options;
  options.server_version = std::string(kVersion);
  options.offer_resources = false;
  options.offer_completions = false;
  options.instructions =
      "Diagnostics for Blender on this machine: blender_check_status first, then follow its "
      "instructions.";
  return options;
}

// Ends the process once the answers are out: forwarded requests that are still waiting after
// the drain limit run on detached threads, so the process leaves without unwinding them.
[[noreturn]] void leave(int status) {
  std::fflush(stdout);
  std::fflush(stderr);
  std::_Exit(status);
}

}  // namespace

std::optional<std::string> check_stdio_flags(
    const StdioFlags& flags,
    const std::function<std::optional<std::string>(const std::string&)>& env) {
  const bool password = flags.username || flags.password_env;
  if (!flags.server) {
    if (password || flags.token_env)
      return "--username, --password-env and --token-env need --server";
    return std::nullopt;
  }
  if (password && flags.token_env)
    return "give either --username with --password-env, or --token-env, not both";
  if (!password && !flags.token_env)
    return "--server needs credentials: --username U --password-env VAR, or --token-env VAR";
  if (password && (!flags.username || !flags.password_env))
    return "--username and --password-env go together";
  if (flags.username && flags.username->empty())
    return "--username must not be empty";
  const auto& variable = flags.token_env ? *flags.token_env : *flags.password_env;
  if (!env(variable))
    return "the environment variable " + variable + " is not set or empty";
  return std::nullopt;
}

int run_stdio(const StdioFlags& flags) {
  init_logging(spdlog::level::info);
  std::signal(SIGPIPE, SIG_IGN);
  if (auto problem = check_stdio_flags(flags, process_env)) {
    std::fprintf(stderr, "blender-mcp stdio: %s\n", problem->c_str());
    return 2;
  }
  std::optional<bridge::ServerUrl> url;
  if (flags.server) {
    auto parsed = bridge::parse_server_url(*flags.server);
    if (!parsed) {
      std::fprintf(stderr, "blender-mcp stdio: %s\n", parsed.error().c_str());
      return 2;
    }
    url = *parsed;
  }
  std::fprintf(stderr, "BlenderMCP v%s \u2014 stdio mode (%s)\n", std::string(kVersion).c_str(),
               url ? ("bridge to " + url->base()).c_str() : "diagnostics only");

  ThreadPool workers(2);
  mcp::Registry registry;
  add_local_surface(registry, workers);
  mcp::Engine engine(registry, stdio_engine_options());
  SystemClock clock;
  stdio::LineWriter out(stdout);
  stdio::LocalServer local(engine, out, clock, mcp::Caller{"local", "local", {}, {}});

  if (!url) {
    stdio::read_messages(std::cin, out, [&](const jsonrpc::Message& m) { local.handle(m); });
    if (!local.wait_idle(kDrainLimit))
      spdlog::warn("end of input: some requests were still running and were not answered");
    leave(0);
  }

  bridge::Credentials credentials;
  if (flags.token_env) {
    credentials.access_token = *process_env(*flags.token_env);
  } else {
    credentials.username = *flags.username;
    credentials.password = *process_env(*flags.password_env);
  }
  const bridge::HttpClient http(*url);
  bridge::RemoteSession remote(
      http, clock, [](std::chrono::milliseconds length) { std::this_thread::sleep_for(length); },
      std::move(credentials), std::string(kVersion));
  auto opened = remote.open();
  if (!opened) {
    spdlog::error("cannot use the server at {}: {}", url->base(), opened.error());
    return 1;
  }
  bridge::Bridge front(local, registry, remote, out, std::move(*opened));
  std::thread stream([&] {
    remote.run_stream([&](std::string_view message) { front.write_server_message(message); });
  });
  stdio::read_messages(std::cin, out, [&](const jsonrpc::Message& m) { front.handle(m); });
  if (!front.wait_idle(kDrainLimit))
    spdlog::warn("end of input: some requests were still running and were not answered");
  remote.close();
  stream.join();
  leave(0);
}

}  // namespace bmcp::app
