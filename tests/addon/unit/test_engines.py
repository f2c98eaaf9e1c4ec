"""The engine names of blender_render and blender_look and Eevee's identifier in each Blender version
(commands/engines.py, no bpy). The end-to-end render tests check the same on the installed Blenders."""
from __future__ import annotations

import pytest

from .. import paths  # noqa: F401
from blender_mcp.commands import engines


@pytest.mark.parametrize("version, identifier", [
    ((3, 4, 1), "BLENDER_EEVEE"),        # Debian's blender
    ((4, 1, 1), "BLENDER_EEVEE"),        # the last legacy Eevee
    ((4, 2, 0), "BLENDER_EEVEE_NEXT"),   # Eevee Next
    ((4, 2, 23), "BLENDER_EEVEE_NEXT"),  # the bpy 4.2 LTS wheel
    ((4, 5, 3), "BLENDER_EEVEE_NEXT"),   # 4.5 LTS
    ((5, 0, 0), "BLENDER_EEVEE"),        # renamed back
    ((5, 0, 1), "BLENDER_EEVEE"),        # the bpy 5.0 wheel
    ((5, 1, 0), "BLENDER_EEVEE"),
])
def test_eevee_maps_to_the_identifier_of_each_blender_version(version, identifier):
    assert engines.eevee_identifier(version) == identifier
    for name in ("eevee", "EEVEE", "Eevee", "BLENDER_EEVEE", "blender_eevee_next", "BLENDER_EEVEE_NEXT"):
        tried = engines.candidates(name, version)
        assert tried[0] == identifier and sorted(tried) == ["BLENDER_EEVEE", "BLENDER_EEVEE_NEXT"], (name, tried)


@pytest.mark.parametrize("name, identifier", [
    ("cycles", "CYCLES"), ("CYCLES", "CYCLES"), (" Cycles ", "CYCLES"),
    ("workbench", "BLENDER_WORKBENCH"), ("BLENDER_WORKBENCH", "BLENDER_WORKBENCH"),
])
def test_cycles_and_workbench_have_one_identifier_on_every_version(name, identifier):
    for version in ((3, 4, 1), (4, 2, 23), (4, 5, 3), (5, 0, 1)):
        assert engines.candidates(name, version) == [identifier]


@pytest.mark.parametrize("name", ["LUXCORE", "", "eevee-next", 3, None, ["CYCLES"]])
def test_any_other_engine_is_refused_by_name(name):
    with pytest.raises(ValueError) as refused:
        engines.candidates(name, (5, 0, 1))
    assert str(refused.value) == (f"Unsupported engine: {name}. Use CYCLES, BLENDER_EEVEE, BLENDER_WORKBENCH "
                                  "(or cycles, eevee, workbench)")
