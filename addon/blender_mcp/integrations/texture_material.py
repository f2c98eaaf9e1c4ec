"""Texture images and the Principled material built from them (bpy; main thread only).

Downloaded maps are packed into the .blend and tagged with two custom properties, so set_texture
finds exactly the maps of one texture id later, whatever Blender renamed the images to.
"""
from __future__ import annotations

import bpy

from . import texture_maps

TEXTURE_ID_PROPERTY = "blender_mcp_texture_id"
MAP_NAME_PROPERTY = "blender_mcp_texture_map"


def load_map_image(path: str, texture_id: str, map_name: str, file_format: str):
    """Loads `path`, packs it, names and tags it, and sets its colour space."""
    image = bpy.data.images.load(path, check_existing=False)
    image.name = f"{texture_id}_{map_name}.{file_format}"
    image.pack()
    _set_colorspace(image, texture_maps.colorspace_of(map_name))
    image[TEXTURE_ID_PROPERTY] = texture_id
    image[MAP_NAME_PROPERTY] = map_name
    return image


def remove_images(images) -> None:
    for image in list(images):
        bpy.data.images.remove(image)


def images_of_texture(texture_id: str) -> dict:
    """map name -> image for the maps downloaded for `texture_id` (the newest wins per map)."""
    found = {}
    for image in bpy.data.images:
        if image.get(TEXTURE_ID_PROPERTY) == texture_id:
            found[str(image.get(MAP_NAME_PROPERTY, image.name))] = image
    return found


def build_material(name: str, images: dict):
    """A new node material: UV -> Mapping -> one Image Texture per map -> Principled BSDF.

    Colour goes to Base Color, multiplied by ambient occlusion (a separate AO map, else the R
    channel of an ARM map). Roughness and Metallic come from their own maps, else from the G and B
    channels of ARM. The OpenGL normal map is preferred over the DirectX one. Displacement feeds
    the output's Displacement at a scale of 0.1. Maps without a role stay unconnected.
    """
    material = bpy.data.materials.new(name=name)
    material.use_nodes = True
    nodes = material.node_tree.nodes
    links = material.node_tree.links
    nodes.clear()

    output = _node(nodes, "ShaderNodeOutputMaterial", (700, 0))
    principled = _node(nodes, "ShaderNodeBsdfPrincipled", (350, 0))
    links.new(principled.outputs["BSDF"], output.inputs["Surface"])
    tex_coord = _node(nodes, "ShaderNodeTexCoord", (-900, 0))
    mapping = _node(nodes, "ShaderNodeMapping", (-700, 0))
    mapping.vector_type = "TEXTURE"
    links.new(tex_coord.outputs["UV"], mapping.inputs["Vector"])

    by_role = {}
    for row, (map_name, image) in enumerate(images.items()):
        texture = _node(nodes, "ShaderNodeTexImage", (-450, 400 - row * 280))
        texture.image = image
        texture.label = map_name
        _set_colorspace(image, texture_maps.colorspace_of(map_name))
        links.new(mapping.outputs["Vector"], texture.inputs["Vector"])
        by_role.setdefault(texture_maps.role_of(map_name), texture)

    arm_channels = None
    if texture_maps.ARM in by_role:
        arm_channels = _separate_channels(nodes, links, by_role[texture_maps.ARM].outputs["Color"])

    ao_socket = None
    if texture_maps.AO in by_role:
        ao_socket = by_role[texture_maps.AO].outputs["Color"]
    elif arm_channels is not None:
        ao_socket = arm_channels[0]

    if texture_maps.COLOR in by_role:
        color_socket = by_role[texture_maps.COLOR].outputs["Color"]
        if ao_socket is not None:
            color_socket = _multiply(nodes, links, color_socket, ao_socket)
        links.new(color_socket, principled.inputs["Base Color"])

    _connect_scalar(links, by_role, texture_maps.ROUGHNESS, arm_channels, 1, principled.inputs["Roughness"])
    _connect_scalar(links, by_role, texture_maps.METALLIC, arm_channels, 2, principled.inputs["Metallic"])

    normal_texture = by_role.get(texture_maps.NORMAL_GL) or by_role.get(texture_maps.NORMAL_DX)
    if normal_texture is not None:
        normal_map = _node(nodes, "ShaderNodeNormalMap", (100, -300))
        links.new(normal_texture.outputs["Color"], normal_map.inputs["Color"])
        links.new(normal_map.outputs["Normal"], principled.inputs["Normal"])

    if texture_maps.DISPLACEMENT in by_role:
        displacement = _node(nodes, "ShaderNodeDisplacement", (350, -500))
        displacement.inputs["Scale"].default_value = 0.1
        links.new(by_role[texture_maps.DISPLACEMENT].outputs["Color"], displacement.inputs["Height"])
        links.new(displacement.outputs["Displacement"], output.inputs["Displacement"])
    return material


def _connect_scalar(links, by_role, role, arm_channels, arm_index, target_socket) -> None:
    if role in by_role:
        links.new(by_role[role].outputs["Color"], target_socket)
    elif arm_channels is not None:
        links.new(arm_channels[arm_index], target_socket)


def _separate_channels(nodes, links, color_socket):
    """(R, G, B) output sockets of a colour splitter; Separate Color exists from Blender 3.3."""
    try:
        splitter = _node(nodes, "ShaderNodeSeparateColor", (-150, -150))
    except RuntimeError:
        splitter = _node(nodes, "ShaderNodeSeparateRGB", (-150, -150))
    links.new(color_socket, splitter.inputs[0])
    return splitter.outputs[0], splitter.outputs[1], splitter.outputs[2]


def _multiply(nodes, links, color_socket, factor_socket):
    """color * factor through a MixRGB node in Multiply mode at full strength."""
    mix = _node(nodes, "ShaderNodeMixRGB", (100, 250))
    mix.blend_type = "MULTIPLY"
    mix.inputs["Fac"].default_value = 1.0
    links.new(color_socket, mix.inputs["Color1"])
    links.new(factor_socket, mix.inputs["Color2"])
    return mix.outputs["Color"]


def _node(nodes, type_name: str, location: tuple[float, float]):
    node = nodes.new(type=type_name)
    node.location = location
    return node


def _set_colorspace(image, name: str) -> None:
    try:
        image.colorspace_settings.name = name
    except TypeError:
        pass  # a colour management configuration without this space keeps the image's default
