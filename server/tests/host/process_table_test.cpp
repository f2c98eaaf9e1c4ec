#include "host/process_table.hpp"

#include <gtest/gtest.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <thread>

#include "temp_tree.hpp"

extern char** environ;  // NOLINT: POSIX

namespace bmcp::host {
namespace {

using namespace std::chrono_literals;
using testing::TempDir;
using testing::write_file;

std::string stat_line(int pid, std::string_view name, unsigned long long start_ticks) {
  // Fields 3..21 are placeholders; field 22 is starttime.
  std::string line = std::to_string(pid) + " (" + std::string(name) + ") S";
  for (int field = 4; field <= 21; ++field)
    line += " " + std::to_string(field);
  return line + " " + std::to_string(start_ticks) + " 0 0 0\n";
}

std::string cmdline(std::initializer_list<std::string_view> arguments) {
  std::string text;
  for (auto argument : arguments) {
    text += argument;
    text += '\0';
  }
  return text;
}

TEST(ProcessTable, ParsesTheStatLineEvenWithParenthesesInTheName) {
  const auto stat = parse_proc_stat(stat_line(7, "odd) (name", 4200));
  ASSERT_TRUE(stat);
  EXPECT_EQ(stat->command_name, "odd) (name");
  EXPECT_EQ(stat->start_ticks, 4200u);
  EXPECT_FALSE(parse_proc_stat("7 (short) S 1 2"));
  EXPECT_FALSE(parse_proc_stat("garbage"));
}

TEST(ProcessTable, BootTimeAndArguments) {
  EXPECT_EQ(parse_boot_time("cpu  1 2 3\nbtime 1763726000\nprocesses 9\n"), 1763726000);
  EXPECT_EQ(parse_boot_time("cpu 1\n"), std::nullopt);
  EXPECT_EQ(parse_cmdline(cmdline({"blender", "-b", "scene file.blend"})),
            (std::vector<std::string>{"blender", "-b", "scene file.blend"}));
  EXPECT_TRUE(parse_cmdline("").empty());
}

TEST(ProcessTable, BackgroundMeansDashBOrDashDashBackgroundAsAnArgument) {
  EXPECT_TRUE(is_background_invocation({"blender", "-b"}));
  EXPECT_TRUE(is_background_invocation({"blender", "x.blend", "--background"}));
  EXPECT_FALSE(is_background_invocation({"blender", "x.blend"}));
  EXPECT_FALSE(is_background_invocation({"-b"}));
  EXPECT_FALSE(is_background_invocation({}));
}

TEST(ProcessTable, TheExecutableNamesAreBlenderBlenderAndBlenderExe) {
  EXPECT_TRUE(is_blender_executable_name("blender"));
  EXPECT_TRUE(is_blender_executable_name("Blender"));
  EXPECT_TRUE(is_blender_executable_name("blender.exe"));
  EXPECT_FALSE(is_blender_executable_name("blender-softwaregl"));
  EXPECT_FALSE(is_blender_executable_name("python3"));
}

TEST(ProcessTable, ListsTheBlenderProcessesOfAProcTree) {
  TempDir proc;
  const long ticks = ::sysconf(_SC_CLK_TCK);
  write_file(proc / "stat", "cpu 1 2 3\nbtime 1700000000\n");
  write_file(proc / "31/stat",
             stat_line(31, "blender", static_cast<unsigned long long>(ticks) * 5));
  write_file(proc / "31/cmdline",
             cmdline({"/usr/bin/blender", "-b", "--python", "run.py", "--password", "s3cret"}));
  std::filesystem::create_symlink("/opt/blender-4.2/blender", proc / "31/exe");
  write_file(proc / "12/stat",
             stat_line(12, "Blender", static_cast<unsigned long long>(ticks) / 2));
  write_file(proc / "12/cmdline", cmdline({"/Applications/Blender", "scene.blend"}));
  write_file(proc / "40/stat", stat_line(40, "python3", 1));
  write_file(proc / "40/cmdline", cmdline({"python3", "blender"}));
  write_file(proc / "41/stat", stat_line(41, "blender", 1));  // a zombie: no arguments
  write_file(proc / "41/cmdline", "");
  write_file(proc / "self/stat", stat_line(99, "blender", 1));
  write_file(proc / "50/stat", "unreadable");

  const auto processes = list_blender_processes(proc.path());
  ASSERT_EQ(processes.size(), 2u);
  EXPECT_EQ(processes[0].pid, 12);
  EXPECT_TRUE(processes[0].is_gui);
  EXPECT_EQ(processes[0].executable, "Blender") << "no readable exe link: the command name";
  EXPECT_DOUBLE_EQ(processes[0].started_at,
                   1700000000.0 + static_cast<double>(ticks / 2) / static_cast<double>(ticks));
  EXPECT_EQ(processes[1].pid, 31);
  EXPECT_FALSE(processes[1].is_gui);
  EXPECT_EQ(processes[1].executable, "/opt/blender-4.2/blender") << "the exe link's target";
  EXPECT_DOUBLE_EQ(processes[1].started_at, 1700000005.0);
}

TEST(ProcessTable, AProcessIsFoundByItsExeLinkWhenItsCommandNameDiffers) {
  TempDir proc;
  write_file(proc / "stat", "btime 1700000000\n");
  write_file(proc / "8/stat", stat_line(8, "Thread-2", 1));
  write_file(proc / "8/cmdline", cmdline({"worker", "--token", "t0ken"}));
  std::filesystem::create_symlink("/usr/lib/blender/blender", proc / "8/exe");
  write_file(proc / "9/stat", stat_line(9, "python3", 1));
  write_file(proc / "9/cmdline", cmdline({"python3"}));
  std::filesystem::create_symlink("/usr/bin/python3", proc / "9/exe");
  const auto processes = list_blender_processes(proc.path());
  ASSERT_EQ(processes.size(), 1u);
  EXPECT_EQ(processes[0].pid, 8);
  EXPECT_EQ(processes[0].executable, "/usr/lib/blender/blender");
}

TEST(ProcessTable, AMissingProcTreeListsNothing) {
  EXPECT_TRUE(list_blender_processes("/nonexistent/bmcp-proc").empty());
}

// A real process started as `blender` (a symlink to the shell, so that the kernel's command
// name is "blender") is found in the real /proc, with -b among its arguments; what is kept of
// it is the program file, never an argument.
TEST(ProcessTable, FindsARealProcessNamedBlender) {
  TempDir dir;
  const auto link = dir / "blender";
  std::filesystem::create_symlink("/bin/sh", link);
  // "; :" keeps the shell alive around sleep instead of exec-ing it; "-b" becomes $0.
  std::vector<std::string> argv{
      link.string(), "-c", "sleep 30; :", "-b", "--password", "table-secret-7"};
  std::vector<char*> args;
  for (auto& argument : argv)
    args.push_back(argument.data());
  args.push_back(nullptr);
  posix_spawnattr_t attributes;
  posix_spawnattr_init(&attributes);
  posix_spawnattr_setpgroup(&attributes, 0);
  posix_spawnattr_setflags(&attributes, POSIX_SPAWN_SETPGROUP);
  pid_t pid = 0;
  const int spawned = ::posix_spawn(&pid, link.c_str(), nullptr, &attributes, args.data(), environ);
  posix_spawnattr_destroy(&attributes);
  ASSERT_EQ(spawned, 0);
  const double before = static_cast<double>(std::chrono::duration_cast<std::chrono::seconds>(
                                                std::chrono::system_clock::now().time_since_epoch())
                                                .count());

  // The command name changes at exec, once the child runs: wait for it, with a hard cap.
  std::optional<BlenderProcess> found;
  const auto cap = std::chrono::steady_clock::now() + 5s;
  while (!found && std::chrono::steady_clock::now() < cap) {
    for (const auto& process : list_blender_processes()) {
      if (process.pid == pid)
        found = process;
    }
    if (!found)
      std::this_thread::sleep_for(10ms);
  }
  ::kill(-pid, SIGKILL);  // the shell and its sleep
  ::waitpid(pid, nullptr, 0);

  ASSERT_TRUE(found);
  EXPECT_FALSE(found->is_gui);
  EXPECT_EQ(found->executable, std::filesystem::canonical("/bin/sh").string());
  EXPECT_NEAR(found->started_at, before, 5.0);
}

}  // namespace
}  // namespace bmcp::host
