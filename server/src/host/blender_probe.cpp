#include "host/blender_probe.hpp"

#include "host/blender_config.hpp"
#include "host/program_runner.hpp"

namespace bmcp::host {
namespace {

constexpr std::size_t kMaxOutput = std::size_t{1} << 20;

}  // namespace

std::span<const std::string_view> withheld_from_blender() {
  static constexpr std::string_view kNames[] = {"OAUTH_SECRET_KEY",     "JWT_SECRET",
                                                "ADMIN_PASSWORD",       "DEMO_PASSWORD",
                                                "BLENDER_MCP_PASSWORD", "BLENDER_MCP_TOKEN"};
  return kNames;
}

std::optional<std::string> probe_blender_version(const std::string& blender_path,
                                                 std::chrono::milliseconds limit) {
  auto run = run_program({blender_path, "--version"}, limit, kMaxOutput, withheld_from_blender());
  if (!run || run->timed_out)
    return std::nullopt;
  return parse_blender_version(run->output);
}

std::string addon_enabled_expression() {
  return "import bpy; print('" + std::string(kAddonEnabledMarker) + "' + str('" +
         std::string(kAddonPackage) + "' in bpy.context.preferences.addons.keys()))";
}

std::optional<bool> parse_addon_enabled(std::string_view output) {
  while (!output.empty()) {
    const auto end = output.find('\n');
    auto line = output.substr(0, end);
    if (line.ends_with('\r'))
      line.remove_suffix(1);
    if (line.starts_with(kAddonEnabledMarker)) {
      line.remove_prefix(kAddonEnabledMarker.size());
      if (line == "True")
        return true;
      if (line == "False")
        return false;
      return std::nullopt;
    }
    if (end == std::string_view::npos)
      break;
    output.remove_prefix(end + 1);
  }
  return std::nullopt;
}

std::optional<bool> probe_addon_enabled(const std::string& blender_path,
                                        std::chrono::milliseconds limit) {
  auto run = run_program({blender_path, "-b", "--python-expr", addon_enabled_expression()}, limit,
                         kMaxOutput, withheld_from_blender());
  if (!run || run->timed_out)
    return std::nullopt;
  return parse_addon_enabled(run->output);
}

}  // namespace bmcp::host
