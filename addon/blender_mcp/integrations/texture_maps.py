"""What a PolyHaven texture map is for, from its name (pure Python, no bpy).

PolyHaven names maps like "Diffuse", "nor_gl", "nor_dx", "Rough", "Metal", "AO", "arm",
"Displacement", "Bump", "spec_ior". Colour maps are sRGB; every other map holds data (Non-Color).
"""
from __future__ import annotations

COLOR = "color"
AO = "ao"
ARM = "arm"          # packed: R = ambient occlusion, G = roughness, B = metallic
ROUGHNESS = "roughness"
METALLIC = "metallic"
NORMAL_GL = "normal_gl"
NORMAL_DX = "normal_dx"
DISPLACEMENT = "displacement"
OTHER = "other"

_ROLES = {
    COLOR: ("diffuse", "diff", "color", "col", "albedo", "basecolor", "base_color"),
    AO: ("ao", "ambientocclusion", "ambient_occlusion"),
    ARM: ("arm",),
    ROUGHNESS: ("rough", "roughness"),
    METALLIC: ("metal", "metallic", "metalness"),
    NORMAL_GL: ("nor_gl", "normal_gl", "normal", "nor"),
    NORMAL_DX: ("nor_dx", "normal_dx"),
    DISPLACEMENT: ("disp", "displacement", "height"),
}
_ROLE_BY_NAME = {name: role for role, names in _ROLES.items() for name in names}


def role_of(map_name: str) -> str:
    return _ROLE_BY_NAME.get(map_name.strip().lower(), OTHER)


def colorspace_of(map_name: str) -> str:
    return "sRGB" if role_of(map_name) == COLOR else "Non-Color"
