#pragma once

#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace bmcp::host {

// One running Blender process (contract §5.3). It never holds the process's arguments: other
// people's processes carry credentials there (a headless worker started with `--password`),
// and the table is shown to callers.
struct BlenderProcess {
  int pid = 0;
  bool is_gui = true;  // false when the arguments contain -b or --background
  // The program file (the target of /proc/<pid>/exe) when this process may read that link,
  // else the kernel command name (at most 15 characters, e.g. "blender"); other users'
  // processes usually give the name only.
  std::string executable;
  double started_at = 0;  // Unix time, seconds
};

// The processes whose executable base name is blender, Blender or blender.exe, by pid, read
// from `proc_root` (a procfs mount; tests pass a directory of files laid out the same way). A
// process matches by its kernel command name (/proc/<pid>/stat, the name it was started by)
// or by the target of /proc/<pid>/exe. Processes that vanish or cannot be read while the table
// is scanned are skipped, as are those without arguments (kernel threads, zombies). Reads the
// filesystem: call it off I/O threads.
std::vector<BlenderProcess> list_blender_processes(
    const std::filesystem::path& proc_root = "/proc");

// What list_blender_processes needs from /proc/<pid>/stat.
struct ProcStat {
  std::string command_name;            // field 2, without the parentheses
  unsigned long long start_ticks = 0;  // field 22: clock ticks after boot
};
std::optional<ProcStat> parse_proc_stat(std::string_view text);
// `btime` of /proc/stat: the boot time in Unix seconds.
std::optional<long long> parse_boot_time(std::string_view proc_stat);
// /proc/<pid>/cmdline: NUL-terminated arguments.
std::vector<std::string> parse_cmdline(std::string_view text);

bool is_blender_executable_name(std::string_view base_name);
bool is_background_invocation(const std::vector<std::string>& arguments);

}  // namespace bmcp::host
