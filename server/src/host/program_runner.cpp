#include "host/program_runner.hpp"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <cerrno>
#include <cstring>
#include <thread>

extern char** environ;  // NOLINT: POSIX

namespace bmcp::host {
namespace {

using Clock = std::chrono::steady_clock;

constexpr auto kExitPollInterval = std::chrono::milliseconds(5);

// Owns a file descriptor.
class Fd {
 public:
  explicit Fd(int fd = -1) : fd_(fd) {}
  Fd(const Fd&) = delete;
  Fd& operator=(const Fd&) = delete;
  ~Fd() { reset(); }
  int get() const { return fd_; }
  void reset() {
    if (fd_ >= 0)
      ::close(fd_);
    fd_ = -1;
  }

 private:
  int fd_;
};

// posix_spawn attributes: own process group, default SIGPIPE, nothing blocked.
class SpawnSetup {
 public:
  explicit SpawnSetup(int stdout_fd) {
    posix_spawn_file_actions_init(&actions_);
    posix_spawn_file_actions_addopen(&actions_, 0, "/dev/null", O_RDONLY, 0);
    posix_spawn_file_actions_adddup2(&actions_, stdout_fd, 1);
    posix_spawn_file_actions_addopen(&actions_, 2, "/dev/null", O_WRONLY, 0);
    posix_spawnattr_init(&attributes_);
    sigset_t none;
    sigemptyset(&none);
    sigset_t defaults;
    sigemptyset(&defaults);
    sigaddset(&defaults, SIGPIPE);
    posix_spawnattr_setsigmask(&attributes_, &none);
    posix_spawnattr_setsigdefault(&attributes_, &defaults);
    posix_spawnattr_setpgroup(&attributes_, 0);
    posix_spawnattr_setflags(
        &attributes_, POSIX_SPAWN_SETPGROUP | POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF);
  }
  SpawnSetup(const SpawnSetup&) = delete;
  SpawnSetup& operator=(const SpawnSetup&) = delete;
  ~SpawnSetup() {
    posix_spawn_file_actions_destroy(&actions_);
    posix_spawnattr_destroy(&attributes_);
  }
  const posix_spawn_file_actions_t* actions() const { return &actions_; }
  const posix_spawnattr_t* attributes() const { return &attributes_; }

 private:
  posix_spawn_file_actions_t actions_;
  posix_spawnattr_t attributes_;
};

int milliseconds_until(Clock::time_point deadline) {
  const auto left =
      std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now()).count();
  return left <= 0 ? 0 : static_cast<int>(std::min<long long>(left, 1000 * 60 * 60));
}

// Reads the pipe until EOF or the deadline; false when the deadline passed first.
bool read_until_eof(int fd, Clock::time_point deadline, std::size_t max_output,
                    std::string& output) {
  std::array<char, 8192> buffer{};
  while (true) {
    pollfd waiting{fd, POLLIN, 0};
    const int ready = ::poll(&waiting, 1, milliseconds_until(deadline));
    if (ready < 0 && errno == EINTR)
      continue;
    if (ready <= 0)
      return false;
    const auto count = ::read(fd, buffer.data(), buffer.size());
    if (count < 0 && errno == EINTR)
      continue;
    if (count <= 0)
      return true;
    const auto room = max_output - std::min(max_output, output.size());
    output.append(buffer.data(), std::min(room, static_cast<std::size_t>(count)));
  }
}

// Waits for `pid` to exit until the deadline; nullopt when it is still running then.
std::optional<int> wait_until(pid_t pid, Clock::time_point deadline) {
  while (true) {
    int status = 0;
    const pid_t done = ::waitpid(pid, &status, WNOHANG);
    if (done == pid)
      return status;
    if (done < 0 && errno != EINTR)
      return 0;
    if (Clock::now() >= deadline)
      return std::nullopt;
    std::this_thread::sleep_for(kExitPollInterval);
  }
}

// This process's environment without the `withheld` variables.
std::vector<char*> child_environment(std::span<const std::string_view> withheld) {
  std::vector<char*> entries;
  for (char** entry = environ; *entry != nullptr; ++entry) {
    const std::string_view text(*entry);
    const auto name = text.substr(0, text.find('='));
    if (std::find(withheld.begin(), withheld.end(), name) == withheld.end())
      entries.push_back(*entry);
  }
  entries.push_back(nullptr);
  return entries;
}

int reap(pid_t pid) {
  int status = 0;
  while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
  return status;
}

}  // namespace

Result<ProgramRun, std::string> run_program(const std::vector<std::string>& argv,
                                            std::chrono::milliseconds timeout,
                                            std::size_t max_output,
                                            std::span<const std::string_view> withheld) {
  if (argv.empty() || argv[0].empty())
    return Unexpected{std::string("no program given")};
  std::array<int, 2> ends{};
  if (::pipe2(ends.data(), O_CLOEXEC) != 0)
    return Unexpected{"cannot run " + argv[0] + ": pipe: " + std::strerror(errno)};
  Fd read_end(ends[0]);
  Fd write_end(ends[1]);

  std::vector<char*> args;
  for (const auto& arg : argv)
    args.push_back(const_cast<char*>(arg.c_str()));  // NOLINT: posix_spawn's signature
  args.push_back(nullptr);

  auto environment = child_environment(withheld);

  pid_t pid = 0;
  {
    SpawnSetup setup(write_end.get());
    const int error = ::posix_spawn(&pid, argv[0].c_str(), setup.actions(), setup.attributes(),
                                    args.data(), environment.data());
    if (error != 0)
      return Unexpected{"cannot run " + argv[0] + ": " + std::strerror(error)};
  }
  write_end.reset();

  const auto deadline = Clock::now() + timeout;
  ProgramRun run;
  std::optional<int> status;
  if (read_until_eof(read_end.get(), deadline, max_output, run.output))
    status = wait_until(pid, deadline);
  if (!status) {
    ::kill(-pid, SIGKILL);
    reap(pid);
    run.timed_out = true;
    return run;
  }
  if (WIFEXITED(*status))
    run.exit_code = WEXITSTATUS(*status);
  return run;
}

}  // namespace bmcp::host
