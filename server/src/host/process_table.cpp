#include "host/process_table.hpp"

#include <unistd.h>

#include <algorithm>
#include <charconv>
#include <fstream>
#include <iterator>
#include <sstream>
#include <system_error>

namespace bmcp::host {
namespace {

namespace fs = std::filesystem;

constexpr int kStartTimeField = 22;  // proc(5): starttime

std::optional<std::string> read_file(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in)
    return std::nullopt;
  std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  if (in.bad())
    return std::nullopt;
  return text;
}

std::optional<int> parse_pid(const std::string& name) {
  int pid = 0;
  const auto* end = name.data() + name.size();
  const auto [stop, error] = std::from_chars(name.data(), end, pid);
  if (error != std::errc() || stop != end || pid <= 0)
    return std::nullopt;
  return pid;
}

// The target of /proc/<pid>/exe; nullopt when it cannot be read (another user's process, a
// kernel thread, a process that is gone).
std::optional<fs::path> executable_file(const fs::path& pid_dir) {
  std::error_code error;
  auto target = fs::read_symlink(pid_dir / "exe", error);
  if (error || target.empty())
    return std::nullopt;
  return target;
}

std::optional<BlenderProcess> read_process(const fs::path& pid_dir, int pid, long long boot_time,
                                           double ticks_per_second) {
  const auto stat_text = read_file(pid_dir / "stat");
  const auto stat = stat_text ? parse_proc_stat(*stat_text) : std::nullopt;
  if (!stat)
    return std::nullopt;
  const auto executable = executable_file(pid_dir);
  if (!is_blender_executable_name(stat->command_name) &&
      !(executable && is_blender_executable_name(executable->filename().string())))
    return std::nullopt;
  // The arguments are read only to tell background from GUI; they are not kept.
  const auto cmdline = read_file(pid_dir / "cmdline");
  const auto arguments = cmdline ? parse_cmdline(*cmdline) : std::vector<std::string>{};
  if (arguments.empty())
    return std::nullopt;
  BlenderProcess process;
  process.pid = pid;
  process.is_gui = !is_background_invocation(arguments);
  process.executable = executable ? executable->string() : stat->command_name;
  process.started_at =
      static_cast<double>(boot_time) + static_cast<double>(stat->start_ticks) / ticks_per_second;
  return process;
}

}  // namespace

std::optional<ProcStat> parse_proc_stat(std::string_view text) {
  // The command name may itself contain spaces and parentheses: it ends at the LAST ')'.
  const auto open = text.find('(');
  const auto close = text.rfind(')');
  if (open == std::string_view::npos || close == std::string_view::npos || close < open)
    return std::nullopt;
  ProcStat stat;
  stat.command_name = std::string(text.substr(open + 1, close - open - 1));
  std::istringstream fields{std::string(text.substr(close + 1))};
  std::string field;
  for (int index = 3; index <= kStartTimeField; ++index) {
    if (!(fields >> field))
      return std::nullopt;
  }
  const auto [stop, error] =
      std::from_chars(field.data(), field.data() + field.size(), stat.start_ticks);
  if (error != std::errc() || stop != field.data() + field.size())
    return std::nullopt;
  return stat;
}

std::optional<long long> parse_boot_time(std::string_view proc_stat) {
  std::istringstream lines{std::string(proc_stat)};
  std::string line;
  while (std::getline(lines, line)) {
    if (!line.starts_with("btime "))
      continue;
    long long seconds = 0;
    const auto digits = std::string_view(line).substr(6);
    const auto [stop, error] =
        std::from_chars(digits.data(), digits.data() + digits.size(), seconds);
    if (error != std::errc())
      return std::nullopt;
    return seconds;
  }
  return std::nullopt;
}

std::vector<std::string> parse_cmdline(std::string_view text) {
  std::vector<std::string> arguments;
  while (!text.empty()) {
    const auto end = text.find('\0');
    arguments.emplace_back(text.substr(0, end));
    if (end == std::string_view::npos)
      break;
    text.remove_prefix(end + 1);
  }
  return arguments;
}

bool is_blender_executable_name(std::string_view base_name) {
  return base_name == "blender" || base_name == "Blender" || base_name == "blender.exe";
}

bool is_background_invocation(const std::vector<std::string>& arguments) {
  return std::any_of(arguments.begin() + (arguments.empty() ? 0 : 1), arguments.end(),
                     [](const std::string& a) { return a == "-b" || a == "--background"; });
}

std::vector<BlenderProcess> list_blender_processes(const fs::path& proc_root) {
  std::vector<BlenderProcess> processes;
  const auto system_stat = read_file(proc_root / "stat");
  const auto boot_time = system_stat ? parse_boot_time(*system_stat) : std::nullopt;
  const auto ticks = static_cast<double>(::sysconf(_SC_CLK_TCK));
  std::error_code error;
  fs::directory_iterator it(proc_root, error);
  if (error)
    return processes;
  // increment(error), not ++: processes come and go while the directory is read.
  for (; !error && it != fs::directory_iterator(); it.increment(error)) {
    const auto pid = parse_pid(it->path().filename().string());
    if (!pid)
      continue;
    if (auto process = read_process(it->path(), *pid, boot_time.value_or(0), ticks))
      processes.push_back(std::move(*process));
  }
  std::sort(processes.begin(), processes.end(),
            [](const auto& a, const auto& b) { return a.pid < b.pid; });
  return processes;
}

}  // namespace bmcp::host
