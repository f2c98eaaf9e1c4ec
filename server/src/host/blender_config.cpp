#include "host/blender_config.hpp"

#include <cctype>
#include <system_error>

namespace bmcp::host {
namespace {

namespace fs = std::filesystem;

bool is_digit(char c) {
  return std::isdigit(static_cast<unsigned char>(c)) != 0;
}

}  // namespace

std::optional<std::string> parse_blender_version(std::string_view output) {
  constexpr std::string_view kPrefix = "Blender ";
  std::string_view line = output.substr(0, output.find('\n'));
  if (line.ends_with('\r'))
    line.remove_suffix(1);
  if (!line.starts_with(kPrefix))
    return std::nullopt;
  line.remove_prefix(kPrefix.size());
  std::size_t end = 0;
  int numbers = 0;
  while (end < line.size() && is_digit(line[end])) {
    while (end < line.size() && is_digit(line[end]))
      ++end;
    ++numbers;
    if (end + 1 < line.size() && line[end] == '.' && is_digit(line[end + 1]))
      ++end;
    else
      break;
  }
  if (numbers < 2)
    return std::nullopt;
  return std::string(line.substr(0, end));
}

std::optional<std::string> major_minor(std::string_view version) {
  const auto first_dot = version.find('.');
  if (first_dot == std::string_view::npos || first_dot == 0)
    return std::nullopt;
  const auto second_dot = version.find('.', first_dot + 1);
  auto result = version.substr(0, second_dot);
  if (result.size() == first_dot + 1)
    return std::nullopt;
  return std::string(result);
}

std::optional<fs::path> blender_config_dir(HostOs os, const EnvLookup& env,
                                           std::string_view major_minor_version) {
  const std::string version(major_minor_version);
  switch (os) {
    case HostOs::kLinux:
      if (const auto home = non_empty_env(env, "HOME"))
        return fs::path(*home) / ".config" / "blender" / version;
      return std::nullopt;
    case HostOs::kMacOs:
      if (const auto home = non_empty_env(env, "HOME"))
        return fs::path(*home) / "Library" / "Application Support" / "Blender" / version;
      return std::nullopt;
    case HostOs::kWindows:
      if (const auto appdata = non_empty_env(env, "APPDATA"))
        return fs::path(*appdata) / "Blender Foundation" / "Blender" / version;
      return std::nullopt;
  }
  return std::nullopt;
}

fs::path addons_dir(const fs::path& config_dir) {
  return config_dir / "scripts" / "addons";
}

fs::path addon_init_file(const fs::path& addons) {
  return addons / std::string(kAddonPackage) / "__init__.py";
}

bool addon_installed(const fs::path& addons) {
  std::error_code error;
  return fs::is_regular_file(addon_init_file(addons), error);
}

}  // namespace bmcp::host
