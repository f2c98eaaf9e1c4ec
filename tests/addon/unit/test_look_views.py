"""The arguments of blender_look, checked before anything is rendered (no bpy)."""
from __future__ import annotations

import math

import pytest

from .. import paths  # noqa: F401
from blender_mcp.commands import look_views
from blender_mcp.commands.look_views import ViewSpec


def test_named_views_and_explicit_ones_keep_their_order_and_get_labels():
    specs = look_views.parse_views(["Front", "top", {"eye": [6, -6, 4]}, {"eye": [1, 2, 3], "target": [0, 0, 1],
                                                                          "label": "close-up"}])
    assert specs == [ViewSpec("front", name="front"), ViewSpec("top", name="top"),
                     ViewSpec("view-3", eye=(6.0, -6.0, 4.0)),
                     ViewSpec("close-up", eye=(1.0, 2.0, 3.0), target=(0.0, 0.0, 1.0))]


@pytest.mark.parametrize("views, message", [
    ([], "views must be a non-empty list"),
    ("front", "views must be a non-empty list"),
    (["side"], "views[0]: unknown view 'side'; use one of camera, front, back, left, right, top, bottom, iso"),
    (["top", 7], "views[1] must be a view name or an object with eye and target"),
    ([{"target": [0, 0, 0]}], "views[0] needs an eye"),
    ([{"eye": [0, 0]}], "views[0].eye must be a list of 3 numbers"),
    ([{"eye": [0, 0, math.inf]}], "views[0].eye must be a list of 3 finite numbers"),
    ([{"eye": [0, 0, True]}], "views[0].eye must be a list of 3 finite numbers"),
    ([{"eye": [1, 1, 1], "target": [1, 1, 1]}], "views[0]: eye and target must differ"),
    ([{"eye": [1, 1, 1], "fov": 30}], "views[0] has an unknown key 'fov'"),
    ([{"eye": [1, 1, 1], "label": ""}], "views[0].label must be a non-empty string"),
    (["iso"] * 13, "views has 13 entries; at most 12 per call"),
])
def test_every_bad_view_is_named(views, message):
    with pytest.raises(ValueError) as refused:
        look_views.parse_views(views)
    assert message in str(refused.value)


def test_objects_shading_and_size_are_checked():
    assert look_views.parse_objects(None) is None
    assert look_views.parse_objects(["Cube", "Cube", "Lamp"]) == ["Cube", "Lamp"]
    assert look_views.parse_objects("Cube") == ["Cube"]
    with pytest.raises(ValueError, match="objects must be null or a non-empty list of object names"):
        look_views.parse_objects([])
    assert look_views.check_shading("Wireframe") == "wireframe"
    with pytest.raises(ValueError, match="Unsupported shading: toon. Use solid, material, rendered, wireframe"):
        look_views.check_shading("toon")
    assert look_views.check_size(512) == 512
    for bad in (15, 4097, 512.0, True, "512"):
        with pytest.raises(ValueError, match="max_size must be an integer from 16 to 4096"):
            look_views.check_size(bad)


def test_named_view_directions_are_unit_vectors_whose_up_is_never_along_them():
    for name, (direction, up) in look_views.DIRECTIONS.items():
        assert math.isclose(math.dist(direction, (0, 0, 0)), 1.0), name
        assert abs(sum(d * u for d, u in zip(direction, up))) < 0.6, name  # at least 53 degrees apart
    assert set(look_views.DIRECTIONS) == set(look_views.NAMED_VIEWS) - {"camera"}


def test_picture_size_keeps_the_ratio_with_the_longest_edge_at_max_size():
    assert look_views.picture_size(16 / 9, 512) == (512, 288)
    assert look_views.picture_size(0.5, 512) == (256, 512)
    assert look_views.picture_size(0, 512) == (512, 288)


def test_ortho_scale_fits_the_box_on_the_picture_with_a_margin():
    # A wide picture: the width is the scale, the height is the scale / aspect.
    assert math.isclose(look_views.ortho_scale(1.0, 1.0, 2.0), 4.4)  # the height needs 2.2 * 2
    assert math.isclose(look_views.ortho_scale(3.0, 1.0, 2.0), 6.6)  # the width needs 6.6
    # A tall picture: the height is the scale.
    assert math.isclose(look_views.ortho_scale(1.0, 1.0, 0.5), 4.4)
