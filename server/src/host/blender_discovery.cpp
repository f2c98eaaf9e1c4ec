#include "host/blender_discovery.hpp"

#include <unistd.h>

#include <algorithm>
#include <set>
#include <system_error>

namespace bmcp::host {
namespace {

namespace fs = std::filesystem;

// The directories in `parent` whose names start with `prefix`, newest-looking name first.
std::vector<fs::path> globbed_directories(const fs::path& parent, std::string_view prefix) {
  std::vector<fs::path> found;
  std::error_code error;
  fs::directory_iterator it(parent, error);
  if (error)
    return found;
  for (; !error && it != fs::directory_iterator(); it.increment(error)) {
    std::error_code type_error;
    if (it->is_directory(type_error) && it->path().filename().string().starts_with(prefix))
      found.push_back(it->path());
  }
  std::sort(found.begin(), found.end(), std::greater<>());
  return found;
}

std::vector<fs::path> path_candidates(const EnvLookup& env, HostOs os) {
  std::vector<fs::path> candidates;
  const auto path = env("PATH");
  if (!path)
    return candidates;
  const char separator = os == HostOs::kWindows ? ';' : ':';
  std::string_view rest = *path;
  while (true) {
    const auto end = rest.find(separator);
    const auto directory = rest.substr(0, end);
    if (!directory.empty())
      candidates.push_back(fs::path(directory) / blender_executable_name(os));
    if (end == std::string_view::npos)
      break;
    rest.remove_prefix(end + 1);
  }
  return candidates;
}

void add_linux_locations(std::vector<fs::path>& out, const EnvLookup& env, const fs::path& root) {
  for (const char* directory : {"usr/bin", "usr/local/bin", "snap/bin"})
    out.push_back(root / directory / "blender");
  for (const auto& directory : globbed_directories(root / "opt", "blender"))
    out.push_back(directory / "blender");
  if (const auto home = non_empty_env(env, "HOME")) {
    for (const auto& directory : globbed_directories(*home, "blender"))
      out.push_back(directory / "blender");
  }
}

void add_macos_locations(std::vector<fs::path>& out, const EnvLookup& env, const fs::path& root) {
  const fs::path bundle = "Applications/Blender.app/Contents/MacOS/Blender";
  out.push_back(root / bundle);
  if (const auto home = non_empty_env(env, "HOME"))
    out.push_back(fs::path(*home) / bundle);
}

void add_windows_locations(std::vector<fs::path>& out, const EnvLookup& env) {
  const auto program_files = non_empty_env(env, "ProgramFiles").value_or("C:\\Program Files");
  for (const auto& directory :
       globbed_directories(fs::path(program_files) / "Blender Foundation", "Blender "))
    out.push_back(directory / "blender.exe");
}

}  // namespace

std::string blender_executable_name(HostOs os) {
  switch (os) {
    case HostOs::kMacOs:
      return "Blender";
    case HostOs::kWindows:
      return "blender.exe";
    case HostOs::kLinux:
      break;
  }
  return "blender";
}

bool is_executable_file(const fs::path& path) {
  std::error_code error;
  return fs::is_regular_file(path, error) && ::access(path.c_str(), X_OK) == 0;
}

std::vector<fs::path> os_blender_locations(const EnvLookup& env, const BlenderSearch& search) {
  std::vector<fs::path> locations;
  switch (search.os) {
    case HostOs::kLinux:
      add_linux_locations(locations, env, search.root);
      break;
    case HostOs::kMacOs:
      add_macos_locations(locations, env, search.root);
      break;
    case HostOs::kWindows:
      add_windows_locations(locations, env);
      break;
  }
  return locations;
}

BlenderDiscovery find_blender(const EnvLookup& env, const BlenderSearch& search) {
  std::vector<fs::path> candidates;
  if (const auto configured = non_empty_env(env, "BLENDER_MCP_BLENDER_PATH")) {
    fs::path path(*configured);
    std::error_code error;
    if (fs::is_directory(path, error))
      path /= blender_executable_name(search.os);
    candidates.push_back(std::move(path));
  }
  for (auto& candidate : path_candidates(env, search.os))
    candidates.push_back(std::move(candidate));
  for (auto& candidate : os_blender_locations(env, search))
    candidates.push_back(std::move(candidate));

  BlenderDiscovery discovery;
  std::set<std::string> tried;
  for (const auto& candidate : candidates) {
    auto text = candidate.lexically_normal().string();
    if (!tried.insert(text).second)
      continue;
    discovery.searched.push_back(text);
    if (is_executable_file(candidate)) {
      discovery.path = std::move(text);
      return discovery;
    }
  }
  return discovery;
}

}  // namespace bmcp::host
