#include "tools/diagnostics_tools.hpp"

#include <stdexcept>

#include "mcp/tool_result.hpp"
#include "tools/schema.hpp"

namespace bmcp::tools {
namespace {

using Context = std::shared_ptr<mcp::RequestContext>;
using Options = std::shared_ptr<const DiagnosticsOptions>;
using Check = std::function<json::object(const DiagnosticsHost&, BlenderChoice,
                                         const json::object& arguments)>;

void reply(const Context& ctx, const json::object& result) {
  ctx->respond(mcp::json_tool_result(result, ctx->session().protocol_version()));
}

std::optional<std::string> blender_path_argument(const json::object& arguments) {
  const auto* path = find_string(arguments, "blender_path");
  if (!path)
    return std::nullopt;
  return std::string(*path);
}

BlenderChoice blender_choice(DiagnosticsAccess access) {
  return access == DiagnosticsAccess::kMachineOwner ? BlenderChoice::kAnyExecutable
                                                    : BlenderChoice::kDiscoveredOnly;
}

// Runs `check` on a worker and answers from there; a request cancelled while queued is skipped.
// Under kAdminsWithDiscoveredBlender a caller without the role `admin` gets `forbidden` at once,
// and nothing is posted.
mcp::ToolHandler on_worker(Options options, std::string tool, Check check) {
  return [options = std::move(options), tool = std::move(tool), check = std::move(check)](
             const Context& ctx, const json::object& arguments) {
    if (options->access == DiagnosticsAccess::kAdminsWithDiscoveredBlender &&
        !ctx->caller().has_role("admin")) {
      reply(ctx, {{"status", "error"},
                  {"error", "forbidden"},
                  {"hint", tool + " requires the admin role."}});
      return;
    }
    options->workers->post([options, check, ctx, arguments] {
      if (ctx->cancelled())
        return;
      reply(ctx, check(options->host, blender_choice(options->access), arguments));
    });
  };
}

json::object blender_path_schema(std::string_view what, DiagnosticsAccess access) {
  std::string description = "The Blender executable " + std::string(what) +
                            "; null finds it (BLENDER_MCP_BLENDER_PATH, PATH, the usual locations)";
  if (access == DiagnosticsAccess::kAdminsWithDiscoveredBlender)
    description += ". Only that discovered executable is accepted here";
  return SchemaBuilder().optional("blender_path", {"string", "null"}, nullptr, description).build();
}

}  // namespace

void add_diagnostics_tools(mcp::Registry& registry, const DiagnosticsOptions& options) {
  if (options.workers == nullptr)
    throw std::logic_error("add_diagnostics_tools needs a worker pool");
  const auto shared = std::make_shared<const DiagnosticsOptions>(options);
  const auto no_parameters = SchemaBuilder().build();

  registry.add_tool(
      {"blender_check_status",
       "Diagnose this machine's Blender setup: whether Blender is installed (path, version), "
       "whether the BlenderMCP add-on is installed and enabled, which Blender processes run, and "
       "the next step to take.",
       no_parameters, std::nullopt,
       on_worker(shared, "blender_check_status",
                 [](const DiagnosticsHost& host, BlenderChoice, const json::object&) {
                   return check_status(host);
                 })});
  registry.add_tool(
      {"blender_find_blender",
       "Find the Blender executable on the server's machine (BLENDER_MCP_BLENDER_PATH, PATH, the "
       "usual install locations); when it is missing, list every path tried.",
       no_parameters, std::nullopt,
       on_worker(shared, "blender_find_blender",
                 [](const DiagnosticsHost& host, BlenderChoice, const json::object&) {
                   return find_blender_result(host);
                 })});
  registry.add_tool(
      {"blender_list_running_blender",
       "List the Blender processes running on the server's machine: pid, executable, GUI or "
       "background (-b) and start time (never their arguments).",
       no_parameters, std::nullopt,
       on_worker(shared, "blender_list_running_blender",
                 [](const DiagnosticsHost& host, BlenderChoice, const json::object&) {
                   return list_running_result(host);
                 })});
  registry.add_tool(
      {"blender_check_addon_installed",
       "Check whether the BlenderMCP add-on is installed in the user's add-ons directory of the "
       "given (or discovered) Blender.",
       blender_path_schema("to check", options.access), std::nullopt,
       on_worker(
           shared, "blender_check_addon_installed",
           [](const DiagnosticsHost& host, BlenderChoice choice, const json::object& arguments) {
             return check_addon_installed(host, blender_path_argument(arguments), choice);
           })});
  registry.add_tool(
      {"blender_install_addon",
       "Install (or replace) the BlenderMCP add-on in the user's add-ons directory of the given "
       "(or discovered) Blender, from BLENDER_MCP_ADDON_DIR or the copy shipped with the server. "
       "It never installs Blender and never enables the add-on.",
       blender_path_schema("to install for", options.access), std::nullopt,
       on_worker(
           shared, "blender_install_addon",
           [](const DiagnosticsHost& host, BlenderChoice choice, const json::object& arguments) {
             return install_addon(host, blender_path_argument(arguments), choice);
           })});
}

}  // namespace bmcp::tools
