#include "tools/dispatch_table.hpp"

#include <algorithm>

namespace bmcp::tools {
namespace {

using Types = std::vector<std::string_view>;
const Types kString{"string"};
const Types kStringOrNull{"string", "null"};
const Types kInteger{"integer"};
const Types kBoolean{"boolean"};
const Types kIntegerOrNull{"integer", "null"};
const Types kArray{"array"};
const Types kArrayOrNull{"array", "null"};
const Types kAnyJson{"object", "array", "string", "number", "boolean", "null"};

constexpr double kProbe = 15;
constexpr double kRead = 30;
constexpr double kCode = 60;
constexpr double kDownload = 180;
constexpr double kLook = 120;
constexpr double kRender = 600;

DispatchParam required(std::string_view name, std::string_view description) {
  return {name, kString, true, nullptr, description};
}
DispatchParam optional(std::string_view name, const Types& types, json::value default_value,
                       std::string_view description) {
  return {name, types, false, std::move(default_value), description};
}

std::vector<DispatchTool> build_table() {
  return {
      {"blender_get_scene_info",
       "get_scene_info",
       kRead,
       "Summary of the active scene: name, frame range, object count and the first objects, "
       "materials. `result` is JSON text.",
       {}},
      {"blender_get_object_info",
       "get_object_info",
       kRead,
       "Details of one object: type, transform, visibility, materials, mesh statistics and "
       "world bounding box. `result` is JSON text.",
       {required("name", "The object's name, e.g. Cube")}},
      {"blender_browse_data",
       "browse_data",
       kRead,
       "Browse bpy.data: without a collection, the collections and their sizes; with one, a "
       "page of its items; with item_name, that item. `result` is JSON text.",
       {optional("collection", kStringOrNull, nullptr, "A bpy.data collection, e.g. objects"),
        optional("item_name", kStringOrNull, nullptr, "One item of the collection"),
        optional("page", kInteger, 1, "Page number, from 1"),
        optional("page_size", kInteger, 50, "Items per page"),
        optional("detail_level", kString, "summary", "summary, detailed or full")}},
      {"blender_execute_code",
       "execute_code",
       kCode,
       "Run Python inside Blender with bpy, bmesh and mathutils available; `result` is the "
       "captured stdout verbatim, so print what you want back.",
       {required("code", "The Python code to run")}},
      {"blender_get_viewport_screenshot",
       "get_viewport_screenshot",
       kRead,
       "A screenshot of the 3D viewport (in background mode a Workbench render of the stored "
       "view). content[0] is the envelope, whose `result` is JSON text with success, filepath, "
       "width, height and images; content[1] is the picture itself (PNG or JPEG).",
       {optional("filepath", kStringOrNull, nullptr,
                 "Where to write the image, on the Blender machine; null: a temporary file, "
                 "removed once the image is sent"),
        optional("max_size", kInteger, 800, "Longest edge in pixels"),
        optional("format", kString, "png", "png, jpg or jpeg")},
       true},
      {"blender_get_console_output",
       "get_console_output",
       kRead,
       "A page of Blender's captured console output. `result` is JSON text.",
       {optional("level", kString, "all", "all, info, warning, error, output or input"),
        optional("page", kInteger, 1, "Page number, from 1"),
        optional("page_size", kInteger, 50, "Lines per page")}},
      {"blender_console_operations",
       "console_operations",
       kRead,
       "Operations on Blender's console capture (get_info, clear, ...). `result` is JSON text.",
       {optional("operation", kString, "get_info", "The operation to run"),
        optional("params", {"object", "null"}, nullptr, "The operation's parameters")}},
      {"blender_get_polyhaven_status",
       "get_polyhaven_status",
       kProbe,
       "Whether the PolyHaven integration is enabled in the addon; call it before PolyHaven "
       "tools. `result` is JSON text with `enabled`.",
       {}},
      {"blender_get_hyper3d_status",
       "get_hyper3d_status",
       kProbe,
       "Whether Hyper3D Rodin is enabled and in which mode; call it before Rodin tools.",
       {}},
      {"blender_get_sketchfab_status",
       "get_sketchfab_status",
       kProbe,
       "Whether Sketchfab is enabled and its API key works; call it before Sketchfab tools.",
       {}},
      {"blender_msgbus_clear_by_owner",
       "msgbus_clear_by_owner",
       kProbe,
       "Remove Blender msgbus subscriptions of one owner.",
       {optional("owner_id", kString, "default", "The subscription owner")}},
      {"blender_msgbus_publish_rna",
       "msgbus_publish_rna",
       kProbe,
       "Publish pending Blender msgbus notifications for a data path (or all of them).",
       {optional("data_path", kStringOrNull, nullptr,
                 "frame_current, active_object or selected_objects; null publishes all")}},
      {"blender_msgbus_subscribe_rna",
       "msgbus_subscribe_rna",
       kProbe,
       "Subscribe to changes of a Blender data path through bpy.msgbus.",
       {required("data_path", "frame_current, active_object or selected_objects"),
        optional("owner_id", kString, "default", "The subscription owner"),
        optional("notify_type", kString, "UPDATE", "The notification type"),
        optional("persistent", kBoolean, true, "Keep the subscription across file loads")}},
      {"blender_msgbus_get_notifications",
       "msgbus_get_notifications",
       kProbe,
       "The msgbus notifications collected so far.",
       {optional("owner_id", kStringOrNull, nullptr, "Only this owner's notifications"),
        optional("clear", kBoolean, false, "Clear them after reading")}},
      {"blender_msgbus_list_subscriptions",
       "msgbus_list_subscriptions",
       kProbe,
       "The active msgbus subscriptions.",
       {optional("owner_id", kStringOrNull, nullptr, "Only this owner's subscriptions")}},
      {"blender_get_polyhaven_categories",
       "get_polyhaven_categories",
       kRead,
       "PolyHaven categories for an asset type (needs use_polyhaven).",
       {required("asset_type", "hdris, textures, models or all")}},
      {"blender_search_polyhaven_assets",
       "search_polyhaven_assets",
       kRead,
       "Search PolyHaven assets by type and categories (needs use_polyhaven).",
       {optional("asset_type", kStringOrNull, nullptr, "hdris, textures, models or all"),
        optional("categories", kStringOrNull, nullptr, "Comma-separated categories")}},
      {"blender_download_polyhaven_asset",
       "download_polyhaven_asset",
       kDownload,
       "Download a PolyHaven asset into the scene: an HDRI becomes the world, a texture a "
       "material, a model is imported (needs use_polyhaven).",
       {required("asset_id", "The PolyHaven asset id"),
        required("asset_type", "hdris, textures or models"),
        optional("resolution", kString, "1k", "e.g. 1k, 2k, 4k"),
        optional("file_format", kStringOrNull, nullptr, "e.g. hdr, exr, jpg, gltf")}},
      {"blender_set_texture",
       "set_texture",
       kRead,
       "Apply a downloaded PolyHaven texture to an object (needs use_polyhaven).",
       {required("object_name", "The object to texture"),
        required("texture_id", "The PolyHaven texture id")}},
      {"blender_create_rodin_job",
       "create_rodin_job",
       kCode,
       "Start a Hyper3D Rodin generation from a text prompt or images (needs use_hyper3d).",
       {optional("text_prompt", kStringOrNull, nullptr, "What to generate"),
        optional("images", {"array", "null"}, nullptr, "Reference images"),
        optional("bbox_condition", kAnyJson, nullptr, "Bounding-box condition")}},
      {"blender_poll_rodin_job_status",
       "poll_rodin_job_status",
       kProbe,
       "Status of a Rodin generation (needs use_hyper3d).",
       {optional("subscription_key", kStringOrNull, nullptr, "MAIN_SITE mode"),
        optional("request_id", kStringOrNull, nullptr, "FAL_AI mode")}},
      {"blender_import_generated_asset",
       "import_generated_asset",
       kDownload,
       "Import a finished Rodin model into the scene (needs use_hyper3d).",
       {required("name", "Name for the imported object"),
        optional("task_uuid", kStringOrNull, nullptr, "MAIN_SITE mode"),
        optional("request_id", kStringOrNull, nullptr, "FAL_AI mode")}},
      {"blender_search_sketchfab_models",
       "search_sketchfab_models",
       kRead,
       "Search Sketchfab models (needs use_sketchfab and an API key).",
       {required("query", "Search words"),
        optional("categories", kStringOrNull, nullptr, "Comma-separated categories"),
        optional("count", kInteger, 20, "How many results"),
        optional("downloadable", kBoolean, true, "Only downloadable models")}},
      {"blender_download_sketchfab_model",
       "download_sketchfab_model",
       kDownload,
       "Download and import a Sketchfab model (needs use_sketchfab and an API key).",
       {required("uid", "The Sketchfab model uid")}},
      {"blender_look",
       "look",
       kLook,
       "Look at the scene: one picture per view, rendered from a temporary camera (also in "
       "background mode, where there is no viewport). content[0] is the envelope, whose "
       "`result` lists the pictures (index, label, width, height, mimeType, bytes); "
       "content[1...] are the pictures in that order.",
       {optional("views", kArray, json::array{"iso"},
                 "Named views (camera, front, back, left, right, top, bottom, iso) and/or "
                 "explicit ones {\"eye\": [x, y, z], \"target\": [x, y, z], \"label\": "
                 "\"...\"} (target defaults to the centre of what is framed); at most 12"),
        optional("objects", kArrayOrNull, nullptr,
                 "Names of the objects to frame; null frames every object that renders"),
        optional("shading", kString, "solid",
                 "solid and wireframe (Workbench), material (Eevee) or rendered (the scene's "
                 "engine, at most 16 samples)"),
        optional("max_size", kInteger, 512, "Longest edge of each picture in pixels (16-4096)"),
        optional("format", kString, "png", "png, jpg or jpeg")},
       true},
      {"blender_render",
       "render",
       kRender,
       "Render the scene camera in full, in a separate Blender process that reports progress "
       "and stops when the call is cancelled; the file is written on the Blender machine. "
       "content[0] is the envelope (`result`: filepath, width, height, engine, samples, frame, "
       "render_seconds, notes, images); content[1] is the render scaled to max_size.",
       {optional("engine", kStringOrNull, nullptr,
                 "CYCLES, BLENDER_EEVEE or BLENDER_WORKBENCH (also cycles, eevee, workbench; "
                 "Eevee is BLENDER_EEVEE_NEXT on Blender 4.2 to 4.5, which is also accepted); "
                 "null keeps the scene's"),
        optional("samples", kIntegerOrNull, nullptr,
                 "Samples for Cycles or Eevee; null keeps the scene's"),
        optional("resolution_percentage", kIntegerOrNull, nullptr,
                 "1-100 percent of the scene's resolution; null keeps the scene's"),
        optional("frame", kIntegerOrNull, nullptr, "The frame to render; null: the current one"),
        optional("filepath", kStringOrNull, nullptr,
                 "Where to write the full render on the Blender machine; null: the scene's "
                 "output path for that frame"),
        optional("max_size", kInteger, 1000, "Longest edge of the returned picture in pixels"),
        optional("format", kString, "png", "Format of the returned picture: png, jpg or jpeg")},
       true},
  };
}

}  // namespace

std::span<const DispatchTool> dispatch_tools() {
  static const std::vector<DispatchTool> table = build_table();
  return table;
}

const DispatchTool* find_dispatch_tool(std::string_view command_or_tool) {
  const auto tools = dispatch_tools();
  const auto found = std::find_if(tools.begin(), tools.end(), [&](const DispatchTool& tool) {
    return tool.command == command_or_tool || tool.name == command_or_tool;
  });
  return found == tools.end() ? nullptr : &*found;
}

}  // namespace bmcp::tools
