"""The arguments of blender_look, checked before anything is rendered (no bpy).

`views` is a list of named views (camera, front, back, left, right, top, bottom, iso) and/or
explicit ones {"eye": [x, y, z], "target": [x, y, z], "label": "..."}. Every bad value raises a
ValueError whose text names it (views[2], shading, max_size, ...), so a call fails whole before
the scene is touched.

Named views look along Blender's own axes, as its numpad views do: front from -Y, back from +Y,
right from +X, left from -X, top from +Z and bottom from -Z, all orthographic; iso is an
orthographic view from the (+X, -Y, +Z) corner. `DIRECTIONS` gives each one's direction from the
framed centre to the eye, and the world direction that is up in the picture.
"""
from __future__ import annotations

import math
from dataclasses import dataclass

NAMED_VIEWS = ("camera", "front", "back", "left", "right", "top", "bottom", "iso")
SHADINGS = ("solid", "material", "rendered", "wireframe")
MAX_VIEWS = 12
MIN_SIZE, MAX_SIZE = 16, 4096
MAX_LABEL = 200
_ISO = 1 / math.sqrt(3)

Vector3 = tuple[float, float, float]
DIRECTIONS: dict[str, tuple[Vector3, Vector3]] = {
    "front": ((0.0, -1.0, 0.0), (0.0, 0.0, 1.0)),
    "back": ((0.0, 1.0, 0.0), (0.0, 0.0, 1.0)),
    "right": ((1.0, 0.0, 0.0), (0.0, 0.0, 1.0)),
    "left": ((-1.0, 0.0, 0.0), (0.0, 0.0, 1.0)),
    "top": ((0.0, 0.0, 1.0), (0.0, 1.0, 0.0)),
    "bottom": ((0.0, 0.0, -1.0), (0.0, -1.0, 0.0)),
    "iso": ((_ISO, -_ISO, _ISO), (0.0, 0.0, 1.0)),
}


@dataclass(frozen=True)
class ViewSpec:
    """One view: a named one (`name`), or an explicit eye (and target, None: the framed centre)."""

    label: str
    name: str | None = None
    eye: Vector3 | None = None
    target: Vector3 | None = None


def _point(value: object, where: str) -> Vector3:
    if not isinstance(value, (list, tuple)) or len(value) != 3:
        raise ValueError(f"{where} must be a list of 3 numbers [x, y, z]")
    point = []
    for number in value:
        if isinstance(number, bool) or not isinstance(number, (int, float)) or not math.isfinite(number):
            raise ValueError(f"{where} must be a list of 3 finite numbers [x, y, z]")
        point.append(float(number))
    return point[0], point[1], point[2]


def _explicit(value: dict, index: int) -> ViewSpec:
    where = f"views[{index}]"
    unknown = sorted(set(value) - {"eye", "target", "label"})
    if unknown:
        raise ValueError(f"{where} has an unknown key '{unknown[0]}'; an explicit view has eye, target and label")
    if "eye" not in value:
        raise ValueError(f"{where} needs an eye: {{\"eye\": [x, y, z], \"target\": [x, y, z]}}")
    eye = _point(value["eye"], f"{where}.eye")
    target = _point(value["target"], f"{where}.target") if value.get("target") is not None else None
    if target is not None and target == eye:
        raise ValueError(f"{where}: eye and target must differ")
    label = value.get("label")
    if label is None:
        label = f"view-{index + 1}"
    if not isinstance(label, str) or not label.strip() or len(label.encode()) > MAX_LABEL:
        raise ValueError(f"{where}.label must be a non-empty string of at most {MAX_LABEL} bytes")
    return ViewSpec(label=label, eye=eye, target=target)


def parse_views(views: object) -> list[ViewSpec]:
    if not isinstance(views, (list, tuple)) or not views:
        raise ValueError("views must be a non-empty list of named views "
                         f"({', '.join(NAMED_VIEWS)}) or {{\"eye\": [x, y, z], \"target\": [x, y, z]}} objects")
    if len(views) > MAX_VIEWS:
        raise ValueError(f"views has {len(views)} entries; at most {MAX_VIEWS} per call")
    specs = []
    for index, view in enumerate(views):
        if isinstance(view, str):
            name = view.strip().lower()
            if name not in NAMED_VIEWS:
                raise ValueError(f"views[{index}]: unknown view '{view}'; use one of {', '.join(NAMED_VIEWS)} "
                                 "or {\"eye\": [x, y, z], \"target\": [x, y, z]}")
            specs.append(ViewSpec(label=name, name=name))
        elif isinstance(view, dict):
            specs.append(_explicit(view, index))
        else:
            raise ValueError(f"views[{index}] must be a view name or an object with eye and target")
    return specs


def parse_objects(objects: object) -> list[str] | None:
    if objects is None:
        return None
    if isinstance(objects, str):
        objects = [objects]
    if not isinstance(objects, (list, tuple)) or not objects or not all(isinstance(n, str) and n for n in objects):
        raise ValueError("objects must be null or a non-empty list of object names")
    return list(dict.fromkeys(objects))


def check_shading(shading: object) -> str:
    name = shading.lower() if isinstance(shading, str) else shading
    if name not in SHADINGS:
        raise ValueError(f"Unsupported shading: {shading}. Use {', '.join(SHADINGS)}")
    return name


def check_size(max_size: object, what: str = "max_size") -> int:
    if isinstance(max_size, bool) or not isinstance(max_size, int) or not MIN_SIZE <= max_size <= MAX_SIZE:
        raise ValueError(f"{what} must be an integer from {MIN_SIZE} to {MAX_SIZE}, not {max_size!r}")
    return max_size


def picture_size(aspect: float, max_size: int) -> tuple[int, int]:
    """(width, height) with the longest edge max_size and the given width/height ratio."""
    if not aspect > 0:
        aspect = 16 / 9
    if aspect >= 1:
        return max_size, max(1, round(max_size / aspect))
    return max(1, round(max_size * aspect)), max_size


def ortho_scale(half_width: float, half_height: float, aspect: float, margin: float = 1.1) -> float:
    """Blender's ortho_scale (the picture's longer side in world units) that shows a box whose
    projection reaches half_width and half_height from the centre, with a margin."""
    width, height = 2 * half_width * margin, 2 * half_height * margin
    scale = max(width, height * aspect) if aspect >= 1 else max(height, width / aspect)
    return max(scale, 1e-3)
