#include "tools/recipe_table.hpp"

#include <algorithm>
#include <array>

namespace bmcp::tools {
namespace {

constexpr std::string_view kPolyHavenProbe = "blender_get_polyhaven_status";
constexpr std::string_view kHyper3dProbe = "blender_get_hyper3d_status";
constexpr std::string_view kSketchfabProbe = "blender_get_sketchfab_status";
constexpr std::string_view kStatusShape =
    R"({"enabled": bool, "message": str} — the message tells how to enable the integration when it is off)";

constexpr std::array<Recipe, 26> kRecipes{
    {
        {"get_scene_info", "{}", "", "",
         R"({"name", "object_count", "objects": [{"name", "type", "location": [x, y, z]}, ...], "materials_count"} — at most the first 10 objects, locations rounded to 2 decimals)"},
        {"get_object_info", R"({"name": "Cube"})", "", "",
         R"({"name", "type", "location": [3], "rotation": [3] (Euler, radians), "scale": [3], "visible", "materials": [names]}; meshes add "world_bounding_box": [[min], [max]] and "mesh": {"vertices", "edges", "polygons"}. An unknown name fails with "Object not found: <name>")"},
        {"browse_data", R"({"collection": "objects", "page": 1, "page_size": 20})", "", "",
         R"(no collection: {"success": true, "collections": [{"name", "count", "type"}], "total"}; a collection: {"success": true, "collection", "items": [...], "page", "page_size", "total_pages", "total_items"}; an item: {"success": true, "item": {...}, "collection"}. Errors: {"error": "Unknown collection: <c>", "available": [...]})"},
        {"execute_code",
         R"x({"code": "import bpy\nfor obj in bpy.data.objects:\n    print(obj.name, obj.type)"})x",
         "", "",
         R"(the captured stdout, verbatim (e.g. "Camera CAMERA\nCube MESH\n"); print what you want back. On an exception the envelope is failed, with the traceback in error and the stdout so far in result)"},
        {"get_viewport_screenshot",
         R"({"filepath": "/tmp/viewport.png", "max_size": 800, "format": "png"})", "", "",
         R"({"success": true, "width", "height", "filepath", "images": [{"index": 1, "label": "viewport", "width", "height", "mimeType", "bytes"}]} — the file is written on the Blender machine (filepath null: a temporary file, removed after sending, and "filepath": null); the picture itself is content[1]. Errors: {"error": "No 3D viewport found"}, {"error": "Unsupported format: <f>. Use png, jpg or jpeg"})"},
        {"get_console_output", R"({"level": "error", "page": 1, "page_size": 50})", "", "",
         R"({"console_output": "<joined lines>", "lines": [{"text", "type", "source"}], "page", "page_size", "total_pages", "total_lines", "level", "has_console"})"},
        {"console_operations", R"({"operation": "get_info", "params": null})", "", "",
         R"(get_info: {"success": true, "info": {"has_console": bool, "console_type"}}; other operations: {"success": true, "message"}. Errors: {"error": "No console area available. Use operation='create' first."} (always in background mode))"},
        {"get_polyhaven_status", "{}", "", "", kStatusShape},
        {"get_hyper3d_status", "{}", "", "", kStatusShape},
        {"get_sketchfab_status", "{}", "", "", kStatusShape},
        {"msgbus_clear_by_owner", R"({"owner_id": "default"})", "", "",
         R"({"success": true, "message": "Cleared all message bus subscriptions for owner: <id>"})"},
        {"msgbus_publish_rna", R"({"data_path": "frame_current"})", "", "",
         R"({"success": true, "message"}; unsupported paths give {"error": ...})"},
        {"msgbus_subscribe_rna", R"({"data_path": "frame_current", "owner_id": "timeline_watch"})",
         "", "",
         R"({"success": true, "message", "subscription_id": "<owner_id>_<data_path>", "key"}; unsupported paths give {"error": "Unsupported data path: ..."})"},
        {"msgbus_get_notifications", R"({"owner_id": "timeline_watch", "clear": true})", "", "",
         R"({"success": true, "notifications": [{"timestamp", "data_path", "owner_id", "context"}], "count"} — note that Blender may never run msgbus callbacks in background mode)"},
        {"msgbus_list_subscriptions", R"({"owner_id": "timeline_watch"})", "", "",
         R"({"success": true, "subscriptions": [{"owner_id", "data_path", "key", "persistent", "notify_type", "active"}], "count", "owners": [...]})"},
        {"get_polyhaven_categories", R"({"asset_type": "hdris"})", "use_polyhaven", kPolyHavenProbe,
         R"({"categories": {"<name>": count, ...}}; a bad asset_type gives {"error": "Invalid asset type. Must be one of: hdris, textures, models, all"})"},
        {"search_polyhaven_assets", R"({"asset_type": "textures", "categories": "brick"})",
         "use_polyhaven", kPolyHavenProbe,
         R"({"assets": {"<id>": {...}}, "total_count", "returned_count"} — at most 20, the most downloaded first)"},
        {"download_polyhaven_asset",
         R"({"asset_id": "studio_small_09", "asset_type": "hdris", "resolution": "2k", "file_format": "hdr"})",
         "use_polyhaven", kPolyHavenProbe,
         R"(HDRI: {"success": true, "message", "image_name"}; texture: {"success": true, "message", "material", "maps": [...]}; model: {"success": true, "message", "imported_objects": [...]}. Errors: {"error": "Requested resolution or format not available for this asset"})"},
        {"set_texture", R"({"object_name": "Cube", "texture_id": "brick_wall_001"})",
         "use_polyhaven", kPolyHavenProbe,
         R"({"success": true, "message", "material", "maps": [...]}; errors: {"error": "Object not found: <n>"}, {"error": "No texture maps found for <id>; download it first"})"},
        {"create_rodin_job",
         R"({"text_prompt": "a weathered wooden treasure chest with iron bands"})", "use_hyper3d",
         kHyper3dProbe,
         R"(the provider's JSON unchanged: MAIN_SITE includes "uuid" and "jobs": {"subscription_key"}; FAL_AI includes "request_id")"},
        {"poll_rodin_job_status", R"({"subscription_key": "5f2c7a1e-9b04-4d3e-8c21-6a7b8c9d0e1f"})",
         "use_hyper3d", kHyper3dProbe,
         R"(MAIN_SITE: {"status_list": [...]} (done when every entry is "Done"); FAL_AI: the provider's status JSON)"},
        {"import_generated_asset",
         R"({"name": "TreasureChest", "task_uuid": "0b1c2d3e-4f5a-4b6c-8d7e-9f0a1b2c3d4e"})",
         "use_hyper3d", kHyper3dProbe,
         R"({"succeed": true, "name", "type", "location", "rotation", "scale", "world_bounding_box"} or {"succeed": false, "error"})"},
        {"search_sketchfab_models", R"({"query": "vintage car", "count": 10})", "use_sketchfab",
         kSketchfabProbe,
         R"(the Sketchfab search JSON unchanged: {"results": [{"uid", "name", "license", "isDownloadable", ...}], "next", ...})"},
        {"download_sketchfab_model", R"({"uid": "8f7b2c4d1e3a4b5c9d6e0f1a2b3c4d5e"})",
         "use_sketchfab", kSketchfabProbe,
         R"({"success": true, "message", "imported_objects": [...]}; an unsafe archive gives {"error": "Security issue: Zip contains files with path traversal attempt"})"},
        {"look",
         R"({"views": ["front", "top", {"eye": [6, -6, 4], "target": [0, 0, 1], "label": "close-up"}], "objects": ["Cube"], "shading": "solid", "max_size": 512})",
         "", "",
         R"({"success": true, "shading", "framed": [object names], "images": [{"index", "label", "width", "height", "mimeType", "bytes"}]} — content[index] is the picture of that view, in the order of `views`. A bad view, shading, format or object name fails the whole call with an error naming it)"},
        {"render",
         R"({"engine": "CYCLES", "samples": 64, "resolution_percentage": 50, "max_size": 1000})",
         "", "",
         R"({"success": true, "filepath", "width", "height", "engine", "samples", "frame", "render_seconds", "notes": [...], "images": [{"index": 1, "label": "render", "width", "height", "mimeType", "bytes"}]} — width and height are the file's; content[1] is the render scaled to max_size. Send _meta.progressToken to receive notifications/progress while it renders; cancelling the call stops the render (status cancelled))"},
    }};

}  // namespace

const Recipe* find_recipe(std::string_view command) {
  const auto found = std::find_if(kRecipes.begin(), kRecipes.end(),
                                  [&](const Recipe& recipe) { return recipe.command == command; });
  return found == kRecipes.end() ? nullptr : &*found;
}

}  // namespace bmcp::tools
