#include "host/program_runner.hpp"

#include <gtest/gtest.h>
#include <signal.h>

#include <fstream>
#include <thread>

#include "temp_tree.hpp"

namespace bmcp::host {
namespace {

using namespace std::chrono_literals;
using testing::TempDir;
using testing::write_script;

TEST(ProgramRunner, CapturesStdoutAndTheExitCode) {
  TempDir dir;
  write_script(dir / "tool", "echo \"args: $1 $2\"\necho 'to stderr' >&2\nexit 3");
  auto run = run_program({(dir / "tool").string(), "a b", "c"}, 10s);
  ASSERT_TRUE(run) << run.error();
  EXPECT_EQ(run->output, "args: a b c\n");
  EXPECT_EQ(run->exit_code, 3);
  EXPECT_FALSE(run->timed_out);
}

TEST(ProgramRunner, StdinIsEmpty) {
  TempDir dir;
  write_script(dir / "tool", "cat; echo done");
  auto run = run_program({(dir / "tool").string()}, 10s);
  ASSERT_TRUE(run);
  EXPECT_EQ(run->output, "done\n");
}

TEST(ProgramRunner, AProgramPastItsLimitIsKilledWithItsChildren) {
  TempDir dir;
  const auto marker = dir / "child-pid";
  write_script(dir / "slow", "echo started\nsleep 30 &\necho $! > '" + marker.string() + "'\nwait");
  auto run = run_program({(dir / "slow").string()}, 300ms);
  ASSERT_TRUE(run);
  EXPECT_TRUE(run->timed_out);
  EXPECT_EQ(run->exit_code, std::nullopt);
  EXPECT_EQ(run->output, "started\n");
  int child = 0;
  std::ifstream(marker) >> child;
  ASSERT_GT(child, 0);
  // The background sleep was in the program's process group, so it was killed too (it may
  // linger as a zombie of the shell's reaper, never as a running process).
  const auto stat_path = "/proc/" + std::to_string(child) + "/stat";
  const auto gone = [&stat_path] {
    std::string stat;
    std::ifstream in(stat_path);
    std::getline(in, stat);
    return stat.empty() || stat.find(") Z") != std::string::npos;
  };
  // SIGKILL takes effect when the process is next scheduled: wait for that, with a hard cap.
  const auto cap = std::chrono::steady_clock::now() + 5s;
  while (!gone() && std::chrono::steady_clock::now() < cap)
    std::this_thread::sleep_for(10ms);
  EXPECT_TRUE(gone());
}

TEST(ProgramRunner, OutputBeyondTheCapIsDiscardedWithoutBlockingTheProgram) {
  TempDir dir;
  write_script(dir / "loud", "head -c 200000 /dev/zero; echo; exit 0");
  auto run = run_program({(dir / "loud").string()}, 10s, 1000);
  ASSERT_TRUE(run);
  EXPECT_EQ(run->output.size(), 1000u);
  EXPECT_EQ(run->exit_code, 0);
}

TEST(ProgramRunner, AMissingProgramIsAnErrorNamingIt) {
  auto run = run_program({"/nonexistent/bmcp-program"}, 1s);
  ASSERT_FALSE(run);
  EXPECT_NE(run.error().find("/nonexistent/bmcp-program"), std::string::npos);
  EXPECT_FALSE(run_program({}, 1s));
}

TEST(ProgramRunner, AProgramKilledBySignalHasNoExitCode) {
  TempDir dir;
  write_script(dir / "self-kill", "kill -TERM $$");
  auto run = run_program({(dir / "self-kill").string()}, 10s);
  ASSERT_TRUE(run);
  EXPECT_FALSE(run->timed_out);
  EXPECT_EQ(run->exit_code, std::nullopt);
}

TEST(ProgramRunner, WithheldVariablesAreNotPassedOn) {
  TempDir dir;
  ::setenv("BMCP_RUNNER_SECRET", "s3cret", 1);
  ::setenv("BMCP_RUNNER_PLAIN", "plain", 1);
  write_script(dir / "env", "echo \"[$BMCP_RUNNER_SECRET][$BMCP_RUNNER_PLAIN]\"");
  const std::string_view withheld[] = {"BMCP_RUNNER_SECRET"};
  auto run = run_program({(dir / "env").string()}, 10s, 1000, withheld);
  auto open = run_program({(dir / "env").string()}, 10s);
  ::unsetenv("BMCP_RUNNER_SECRET");
  ::unsetenv("BMCP_RUNNER_PLAIN");
  ASSERT_TRUE(run && open);
  EXPECT_EQ(run->output, "[][plain]\n");
  EXPECT_EQ(open->output, "[s3cret][plain]\n");
}

}  // namespace
}  // namespace bmcp::host
