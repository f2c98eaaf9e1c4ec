"""The render engines blender_render and blender_look use, by name, and their identifiers in each
Blender version (no bpy, so it is tested without Blender).

Eevee's identifier changed twice: `BLENDER_EEVEE` up to 4.1, `BLENDER_EEVEE_NEXT` from 4.2 (Eevee
Next) to 4.5, `BLENDER_EEVEE` again from 5.0. A caller may name Eevee any of these ways, or `eevee`;
each name maps to the identifier of the running Blender. Cycles and Workbench never changed.
"""
from __future__ import annotations

CYCLES = "CYCLES"
EEVEE = "BLENDER_EEVEE"
EEVEE_NEXT = "BLENDER_EEVEE_NEXT"
WORKBENCH = "BLENDER_WORKBENCH"
ENGINES = (CYCLES, EEVEE, WORKBENCH)
EEVEE_NEXT_VERSIONS = ((4, 2, 0), (5, 0, 0))  # from, up to (excluded)

_NAMES = {"cycles": CYCLES, "eevee": EEVEE, "blender_eevee": EEVEE, "eevee_next": EEVEE,
          "blender_eevee_next": EEVEE, "workbench": WORKBENCH, "blender_workbench": WORKBENCH}


def canonical(name: object) -> str:
    """CYCLES, BLENDER_EEVEE or BLENDER_WORKBENCH for any name of these engines (case ignored);
    ValueError naming the value otherwise."""
    found = _NAMES.get(name.strip().lower()) if isinstance(name, str) else None
    if found is None:
        raise ValueError(f"Unsupported engine: {name}. Use {', '.join(ENGINES)} (or cycles, eevee, workbench)")
    return found


def eevee_identifier(version: tuple[int, ...]) -> str:
    """Eevee's identifier in Blender `version` (bpy.app.version)."""
    low, high = EEVEE_NEXT_VERSIONS
    return EEVEE_NEXT if low <= tuple(version[:3]) < high else EEVEE


def candidates(name: object, version: tuple[int, ...]) -> list[str]:
    """The identifiers to try for engine `name` in Blender `version`, the expected one first. Eevee's
    other identifier comes second, for a build whose version says otherwise (an alpha of a version
    where the rename landed)."""
    engine = canonical(name)
    if engine != EEVEE:
        return [engine]
    expected = eevee_identifier(version)
    return [expected, EEVEE if expected == EEVEE_NEXT else EEVEE_NEXT]
