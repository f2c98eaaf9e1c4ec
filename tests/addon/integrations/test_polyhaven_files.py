"""Reading PolyHaven's /files answers and ranking search results (pure functions)."""
from __future__ import annotations

import pytest

from blender_mcp.integrations import polyhaven_files, texture_maps

TEXTURE_FILES = {
    "Diffuse": {"1k": {"jpg": {"url": "u/diff"}, "png": {"url": "u/diff.png"}}},
    "nor_gl": {"1k": {"jpg": {"url": "u/nor"}}},
    "Rough": {"2k": {"jpg": {"url": "u/rough2k"}}},
    "blend": {"1k": {"blend": {"url": "u/blend"}}},
    "gltf": {"1k": {"gltf": {"url": "u/gltf"}}},
    "mtlx": {"1k": {"mtlx": {"url": "u/mtlx"}}},
}


def test_texture_maps_skip_whole_material_packages_and_missing_resolutions():
    assert polyhaven_files.texture_map_urls(TEXTURE_FILES, "1k", "jpg") == {"Diffuse": "u/diff", "nor_gl": "u/nor"}
    assert polyhaven_files.texture_map_urls(TEXTURE_FILES, "1k", "png") == {"Diffuse": "u/diff.png"}
    assert polyhaven_files.texture_map_urls(TEXTURE_FILES, "4k", "jpg") == {}


def test_model_files_list_the_main_file_and_includes():
    files = {"gltf": {"1k": {"gltf": {"url": "https://dl/x/chair_1k.gltf?v=2",
                                      "include": {"textures/a.jpg": {"url": "https://dl/a"}}}}}}
    model = polyhaven_files.model_files(files, "1k", "gltf")
    assert model == ("https://dl/x/chair_1k.gltf?v=2", "chair_1k.gltf", {"textures/a.jpg": "https://dl/a"})
    assert polyhaven_files.model_files(files, "2k", "gltf") is None


@pytest.mark.parametrize("path", ["../a.bin", "textures/../../a.bin", "/etc/passwd", "C:\\x.bin",
                                  "..\\a.bin", "", "a\x00b"])
def test_hostile_include_paths_are_refused(path):
    with pytest.raises(ValueError, match="Refused file path"):
        polyhaven_files.check_relative_path(path)


def test_plain_relative_paths_pass():
    polyhaven_files.check_relative_path("textures/wood..old.jpg")
    polyhaven_files.check_relative_path("scene.bin")


def test_top_assets_rank_by_download_count_and_cut_at_the_limit():
    assets = {"a": {"download_count": 5}, "b": {"download_count": 50}, "c": {}, "d": {"download_count": 7}}
    assert list(polyhaven_files.top_assets(assets, 3)) == ["b", "d", "a"]


@pytest.mark.parametrize("name, role, space", [
    ("Diffuse", texture_maps.COLOR, "sRGB"), ("arm", texture_maps.ARM, "Non-Color"),
    ("nor_gl", texture_maps.NORMAL_GL, "Non-Color"), ("nor_dx", texture_maps.NORMAL_DX, "Non-Color"),
    ("Rough", texture_maps.ROUGHNESS, "Non-Color"), ("Displacement", texture_maps.DISPLACEMENT, "Non-Color"),
    ("AO", texture_maps.AO, "Non-Color"), ("spec_ior", texture_maps.OTHER, "Non-Color")])
def test_map_names_have_roles_and_colour_spaces(name, role, space):
    assert texture_maps.role_of(name) == role
    assert texture_maps.colorspace_of(name) == space
