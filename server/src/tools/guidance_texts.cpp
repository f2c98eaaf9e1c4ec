#include "tools/guidance_texts.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cctype>

#include "tools/prompt_quoting.hpp"

namespace bmcp::tools {
namespace {

std::string lower(std::string_view text) {
  std::string out(text);
  std::transform(out.begin(), out.end(), out.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return out;
}

// A fence longer than any run of backticks in `text`, so the text cannot close it early.
std::string fence_for(std::string_view text) {
  std::size_t longest = 0;
  std::size_t run = 0;
  for (char c : text) {
    run = c == '`' ? run + 1 : 0;
    longest = std::max(longest, run);
  }
  return std::string(std::max<std::size_t>(3, longest + 1), '`');
}

// The engine-specific lines of the rendering checklist.
struct EngineLines {
  std::string_view identifier;
  std::string_view quality;
};

constexpr EngineLines kCycles{
    "scene.render.engine = 'CYCLES'",
    "- Samples and denoising: scene.cycles.samples (e.g. 128 for previews, 512+ for finals) "
    "and scene.cycles.use_denoising = True.\n"
    "- GPU device: in Preferences > System > Cycles Render Devices pick CUDA/OptiX/HIP/Metal "
    "(bpy.context.preferences.addons['cycles'].preferences.compute_device_type), then "
    "scene.cycles.device = 'GPU'; the CPU works everywhere.\n"};
constexpr EngineLines kEevee{
    "scene.render.engine = 'BLENDER_EEVEE' (on Blender 4.2+ the identifier is "
    "'BLENDER_EEVEE_NEXT')",
    "- Samples and denoising: scene.eevee.taa_render_samples (e.g. 64); enable ambient "
    "occlusion, bloom and screen-space reflections as the scene needs (before 4.2).\n"};
constexpr EngineLines kWorkbench{
    "scene.render.engine = 'BLENDER_WORKBENCH'",
    "- Samples and denoising: Workbench has no render samples or denoiser; set "
    "scene.display.render_aa "
    "(e.g. '8') and the shading (scene.display.shading.light, color_type) for a clean preview.\n"};

std::string rendering_checklist(std::string_view identifier, std::string_view quality) {
  return fmt::format(
      "Checklist (each step is a few lines of bpy for blender_execute_code):\n"
      "1. Engine: {identifier}.\n"
      "{quality}"
      "2. Resolution: scene.render.resolution_x / resolution_y (e.g. 1920 x 1080) and "
      "scene.render.resolution_percentage (50 for quick tests, 100 for finals).\n"
      "3. Colour management: scene.view_settings.view_transform ('Filmic' on 3.x, 'AgX' on "
      "4.x), look and exposure; scene.display_settings.display_device = 'sRGB'.\n"
      "4. Camera: make sure there is an active camera (scene.camera = bpy.data.objects['Camera']) "
      "and aim it, e.g. with a Track To constraint on the subject.\n"
      "5. Lighting: add lights (Sun, Area, Point) or a world HDRI from PolyHaven: check "
      "blender_get_polyhaven_status, then blender_download_polyhaven_asset with asset_type "
      "\"hdris\" sets the world for you.\n"
      "6. Output: scene.render.filepath = '/tmp/render.png' and "
      "scene.render.image_settings.file_format = 'PNG' (or 'JPEG', 'OPEN_EXR').\n"
      "7. Render: bpy.ops.render.render(write_still=True), then print the file path so that "
      "blender_execute_code returns it.\n",
      fmt::arg("identifier", identifier), fmt::arg("quality", quality));
}

}  // namespace

std::string script_writing_text(std::string_view goal) {
  return fmt::format(
      "Write a Blender Python script for this goal: {}\n\n"
      "It will run inside Blender through blender_execute_code. Guidelines:\n"
      "- Start with `import bpy`; add `import bmesh` for mesh edits and `from mathutils import "
      "Vector, Matrix, Euler` for maths when needed.\n"
      "- Prefer bpy.data (bpy.data.objects.new, bpy.data.meshes.new, bpy.data.materials.new) "
      "over bpy.ops: data calls need no context and are faster and predictable.\n"
      "- When a bpy.ops call needs an area or a region (poll() failed, context is incorrect), "
      "wrap it in a context override: `with bpy.context.temp_override(area=area, "
      "region=region): bpy.ops...`, finding the area in bpy.context.screen.areas.\n"
      "- Mind object mode versus edit mode: switch with bpy.ops.object.mode_set(mode='OBJECT' "
      "or 'EDIT'); for vertex-level mesh edits use bmesh (bm = bmesh.new(); bm.from_mesh(me); "
      "...; bm.to_mesh(me); bm.free()) instead of edit-mode operators.\n"
      "- Check that objects exist before using them: obj = bpy.data.objects.get('Name'); "
      "if obj is None: print('missing: Name').\n"
      "- Print the results you need: stdout is what blender_execute_code returns (its `result` "
      "is the captured stdout), so print names, counts and values, e.g. with json.dumps.\n"
      "- Keep the script idempotent: reuse or remove what an earlier run created (look objects "
      "up by name first), so running it twice gives the same scene.\n",
      quoted_for_prompt(goal));
}

std::string modeling_workflow_text(std::string_view object_type) {
  return fmt::format(
      "Model this object in Blender: {}\n\n"
      "Decision tree, simplest first:\n"
      "1. Primitives: block the shape out of bpy.ops.mesh.primitive_* (cube_add, "
      "uv_sphere_add, cylinder_add, cone_add, torus_add, plane_add) with location, rotation "
      "and scale.\n"
      "2. Modifiers for non-destructive detail: Subdivision Surface (smooth forms), Bevel "
      "(rounded edges), Mirror (symmetry), Array (repeats), Boolean (cut-outs and unions), "
      "Solidify (thickness), via obj.modifiers.new(name, type='SUBSURF'|'BEVEL'|'MIRROR'|"
      "'ARRAY'|'BOOLEAN'|'SOLIDIFY').\n"
      "3. bmesh for vertex-level work: extrude, inset, move or merge vertices, edges and faces "
      "when modifiers are not enough.\n"
      "4. Geometry Nodes for procedural work and instancing (scattering, many copies, "
      "parametric shapes): add a NODES modifier with a node group.\n"
      "Then:\n"
      "- Apply transforms (bpy.ops.object.transform_apply(location=False, rotation=True, "
      "scale=True)) so that modifiers and exports see the real size.\n"
      "- Name every object, mesh and material meaningfully (obj.name = 'Chair_Leg_FL').\n"
      "- Verify the result with blender_get_object_info (dimensions, world_bounding_box, vertex "
      "counts) or blender_get_scene_info.\n",
      quoted_for_prompt(object_type));
}

std::string rendering_setup_text(std::string_view engine) {
  const auto name = lower(engine);
  const EngineLines* lines = nullptr;
  if (name == "cycles")
    lines = &kCycles;
  else if (name == "eevee" || name == "blender_eevee" || name == "eevee_next" ||
           name == "blender_eevee_next")
    lines = &kEevee;
  else if (name == "workbench" || name == "blender_workbench")
    lines = &kWorkbench;
  if (lines)
    return fmt::format("Set up rendering with the {} engine.\n\n{}", engine,
                       rendering_checklist(lines->identifier, lines->quality));
  return fmt::format(
      "Set up rendering with the engine {}. That engine is not one this guide knows; the known "
      "engines are: cycles, eevee, workbench. Here is the general checklist.\n\n{}",
      quoted_for_prompt(engine, '\''),
      rendering_checklist(
          "scene.render.engine = 'CYCLES', 'BLENDER_EEVEE' ('BLENDER_EEVEE_NEXT' on 4.2+) or "
          "'BLENDER_WORKBENCH'",
          "- Samples and denoising: Cycles scene.cycles.samples and use_denoising (and the GPU "
          "device); Eevee scene.eevee.taa_render_samples; Workbench scene.display.render_aa.\n"));
}

std::string material_creation_text(std::string_view material_kind) {
  return fmt::format(
      "Create this material in Blender: {}\n\n"
      "Principled BSDF skeleton (run with blender_execute_code):\n"
      "```python\n"
      "import bpy\n"
      "obj = bpy.data.objects.get('Cube')  # the object to receive the material\n"
      "mat = bpy.data.materials.new(name='MyMaterial')\n"
      "mat.use_nodes = True\n"
      "bsdf = next(n for n in mat.node_tree.nodes if n.type == 'BSDF_PRINCIPLED')\n"
      "bsdf.inputs['Base Color'].default_value = (0.8, 0.2, 0.1, 1.0)\n"
      "bsdf.inputs['Metallic'].default_value = 0.0\n"
      "bsdf.inputs['Roughness'].default_value = 0.5\n"
      "bsdf.inputs['IOR'].default_value = 1.45\n"
      "bsdf.inputs['Transmission'].default_value = 0.0  # 'Transmission Weight' on 4.x\n"
      "bsdf.inputs['Emission'].default_value = (0, 0, 0, 1)  # 'Emission Color' on 4.x\n"
      "obj.data.materials.append(mat)\n"
      "print(mat.name, 'on', obj.name)\n"
      "```\n"
      "Choose the values for the kind: metals Metallic 1.0 and Roughness 0.2-0.4; glass "
      "Transmission 1.0, Roughness 0.0, IOR 1.45-1.52; plastic Metallic 0.0, Roughness "
      "0.3-0.5; emissive surfaces an Emission colour with Emission Strength above 1; rough "
      "stone or wood Roughness 0.7-0.9.\n\n"
      "For realistic surfaces use PolyHaven textures: check blender_get_polyhaven_status, find "
      "one with blender_search_polyhaven_assets (asset_type \"textures\"), download it with "
      "blender_download_polyhaven_asset (asset_type \"textures\", resolution \"1k\" or \"2k\"), "
      "then apply it to the object with blender_set_texture (object_name, texture_id).\n",
      quoted_for_prompt(material_kind));
}

std::string animation_basics_text(std::string_view animation_type) {
  constexpr std::string_view kKeyframes =
      "Keyframes:\n"
      "- obj.location = (0, 0, 0); obj.keyframe_insert(data_path='location', frame=1); then "
      "change the value and insert at frame=60. Works for rotation_euler, scale and any "
      "animatable property (e.g. a material input's default_value).\n"
      "- Interpolation: for each fcurve in obj.animation_data.action.fcurves, set "
      "keyframe_points[i].interpolation = 'LINEAR', 'BEZIER' or 'CONSTANT'.\n"
      "- Range: scene.frame_start = 1 and scene.frame_end = 120; scene.render.fps sets the "
      "speed.\n";
  constexpr std::string_view kDrivers =
      "Drivers:\n"
      "- fcurve = obj.driver_add('rotation_euler', 2); drv = fcurve.driver; drv.type = "
      "'SCRIPTED'; drv.expression = 'frame * 0.05' (or add variables with drv.variables.new() "
      "that read another object's property).\n";
  constexpr std::string_view kConstraints =
      "Constraints:\n"
      "- Track To (aim a camera or light at a target): c = obj.constraints.new('TRACK_TO'); "
      "c.target = target.\n"
      "- Follow Path (move along a curve): c = obj.constraints.new('FOLLOW_PATH'); c.target = "
      "curve; animate the curve's eval_time or use c.use_curve_follow.\n"
      "- Child Of (temporary parenting): c = obj.constraints.new('CHILD_OF'); c.target = "
      "parent.\n";
  // The requested technique first, then the other two.
  const auto type = lower(animation_type);
  const auto mentions = [&type](std::initializer_list<std::string_view> words) {
    return std::any_of(words.begin(), words.end(),
                       [&type](std::string_view word) { return type.find(word) != type.npos; });
  };
  std::string sections;
  if (mentions({"driver", "expression"}))
    sections = fmt::format("{}{}{}", kDrivers, kKeyframes, kConstraints);
  else if (mentions({"constraint", "track", "follow", "path", "child", "parent"}))
    sections = fmt::format("{}{}{}", kConstraints, kKeyframes, kDrivers);
  else
    sections = fmt::format("{}{}{}", kKeyframes, kDrivers, kConstraints);
  return fmt::format(
      "Animate in Blender: {}\n\n{}"
      "Check the result by calling scene.frame_set(n) and printing positions through "
      "blender_execute_code.\n",
      quoted_for_prompt(animation_type), sections);
}

std::string debug_assistant_text(std::string_view error_text) {
  const auto fence = fence_for(error_text);
  return fmt::format(
      "Debug this Blender error:\n\n{fence}\n{error}\n{fence}\n\n"
      "Common patterns:\n"
      "- `poll() failed, context is incorrect`: the operator needs a specific area or mode. "
      "Use a context override (with bpy.context.temp_override(area=..., region=...)) or the "
      "bpy.data API instead of bpy.ops.\n"
      "- `KeyError: 'bpy_prop_collection[key]: key \"...\" not found'`: a wrong name. List "
      "the real names (print(list(bpy.data.objects.keys()))) and use .get(name).\n"
      "- `'NoneType' object has no attribute ...`: there is no active object, material or "
      "data-block (bpy.context.active_object is None in background mode, or the object has no "
      "material slot). Look objects up by name and check for None.\n"
      "- `StructRNA of type ... has been removed`: a stale reference to something deleted or "
      "re-created (after undo, file load or removal). Fetch it again by name.\n"
      "- Mode errors (`... must be in object mode` / `edit mode`): switch with "
      "bpy.ops.object.mode_set(mode='OBJECT') first, or use bmesh.\n"
      "- Identifiers renamed between Blender versions (e.g. 'Transmission' became "
      "'Transmission Weight' and BLENDER_EEVEE became BLENDER_EEVEE_NEXT in 4.x): check "
      "bpy.app.version and the inputs' names.\n"
      "To inspect, call blender_get_console_output (level \"error\") for recent output and "
      "tracebacks, and blender_get_scene_info (or blender_get_object_info) to see what exists.\n",
      fmt::arg("fence", fence), fmt::arg("error", error_text));
}

std::string asset_creation_text(std::string_view asset_kind) {
  return fmt::format(
      "Get this asset into the Blender scene: {}\n\n"
      "Choose the source:\n"
      "- Hyper3D Rodin (preference use_hyper3d): a generated, one-off model from a text prompt "
      "or images. blender_create_rodin_job, poll with blender_poll_rodin_job_status until done, "
      "then blender_import_generated_asset.\n"
      "- PolyHaven (preference use_polyhaven): free CC0 HDRIs, textures and models. "
      "blender_search_polyhaven_assets, then blender_download_polyhaven_asset (and "
      "blender_set_texture for textures).\n"
      "- Sketchfab (preference use_sketchfab plus an API key): a large library of models. "
      "blender_search_sketchfab_models with downloadable true, mind each model's licence, then "
      "blender_download_sketchfab_model.\n"
      "- Manual modelling: simple or very specific shapes are often quicker to build with "
      "primitives and modifiers through blender_execute_code.\n"
      "Before using a service, call its status probe first (blender_get_hyper3d_status, "
      "blender_get_polyhaven_status or blender_get_sketchfab_status) and check that enabled is "
      "true. After the import, verify it with blender_get_object_info, then fix scale, "
      "placement and rotation (imported models often arrive huge, tiny or off-centre) and apply "
      "the transforms.\n",
      quoted_for_prompt(asset_kind));
}

}  // namespace bmcp::tools
