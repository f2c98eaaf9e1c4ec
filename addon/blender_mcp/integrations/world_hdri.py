"""Make an HDRI file the scene's world lighting (bpy; main thread only)."""
from __future__ import annotations

import bpy

# Names of the linear scene-referred space across Blender versions (3.x: "Linear",
# 4.x: "Linear Rec.709"); the first one the colour configuration knows is used.
_LINEAR_SPACES = ("Linear", "Linear Rec.709", "Non-Color")


def use_as_world(path: str, image_name: str):
    """Loads the image at `path`, packs it into the .blend and rebuilds the scene world's nodes as
    Texture Coordinate -> Mapping -> Environment Texture -> Background -> World Output.
    Returns the image."""
    image = bpy.data.images.load(path, check_existing=False)
    image.name = image_name
    for space in _LINEAR_SPACES:
        try:
            image.colorspace_settings.name = space
            break
        except TypeError:
            continue
    image.pack()

    scene = bpy.context.scene
    world = scene.world
    if world is None:
        world = bpy.data.worlds.new("World")
        scene.world = world
    world.use_nodes = True
    nodes = world.node_tree.nodes
    links = world.node_tree.links
    nodes.clear()

    tex_coord = nodes.new(type="ShaderNodeTexCoord")
    tex_coord.location = (-900, 0)
    mapping = nodes.new(type="ShaderNodeMapping")
    mapping.location = (-700, 0)
    environment = nodes.new(type="ShaderNodeTexEnvironment")
    environment.location = (-450, 0)
    environment.image = image
    background = nodes.new(type="ShaderNodeBackground")
    background.location = (-150, 0)
    output = nodes.new(type="ShaderNodeOutputWorld")
    output.location = (100, 0)

    links.new(tex_coord.outputs["Generated"], mapping.inputs["Vector"])
    links.new(mapping.outputs["Vector"], environment.inputs["Vector"])
    links.new(environment.outputs["Color"], background.inputs["Color"])
    links.new(background.outputs["Background"], output.inputs["Surface"])
    return image
