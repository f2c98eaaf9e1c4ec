"""Zip extraction refuses path traversal (zip-slip) before writing anything."""
from __future__ import annotations

import pytest

from blender_mcp.integrations import safe_zip

from . import sample_files


def write_zip(tmp_path, members, symlinks=None):
    path = tmp_path / "archive.zip"
    path.write_bytes(sample_files.zip_archive(members, symlinks))
    return path


def test_regular_archives_extract_every_file(tmp_path):
    archive = tmp_path / "model.zip"
    archive.write_bytes(sample_files.sketchfab_model_zip())
    destination = tmp_path / "out"
    destination.mkdir()
    written = safe_zip.extract(str(archive), str(destination))
    relative = sorted(str(p.relative_to(destination)) for p in destination.rglob("*") if p.is_file())
    assert relative == ["license.txt", "scene.bin", "scene.gltf", "textures/skin_baseColor.png"]
    assert len(written) == 4
    assert (destination / "textures/skin_baseColor.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


@pytest.mark.parametrize("hostile", ["../evil.txt", "a/../../evil.txt", "/tmp/evil.txt",
                                     "..\\evil.txt", "C:/evil.txt"])
def test_traversal_entries_refuse_the_whole_archive(tmp_path, hostile):
    archive = write_zip(tmp_path, {"first.txt": b"1", hostile: b"escaped"})
    destination = tmp_path / "deep" / "out"
    destination.mkdir(parents=True)
    with pytest.raises(safe_zip.UnsafeArchive) as refused:
        safe_zip.extract(str(archive), str(destination))
    assert str(refused.value) == "Security issue: Zip contains files with path traversal attempt"
    assert refused.value.entry == hostile
    assert list(destination.iterdir()) == []  # not even the harmless first entry was written
    assert sorted(p.name for p in tmp_path.rglob("*")) == ["archive.zip", "deep", "out"]


def test_symlink_entries_are_refused(tmp_path):
    archive = write_zip(tmp_path, {"scene.gltf": b"{}"}, symlinks={"textures": "/etc"})
    destination = tmp_path / "out"
    destination.mkdir()
    with pytest.raises(safe_zip.UnsafeArchive):
        safe_zip.extract(str(archive), str(destination))
    assert list(destination.iterdir()) == []


def test_a_destination_reached_through_a_symlink_still_counts_as_inside(tmp_path):
    real = tmp_path / "real"
    real.mkdir()
    (tmp_path / "link").symlink_to(real)
    archive = write_zip(tmp_path, {"dir/file.txt": b"ok"})
    safe_zip.extract(str(archive), str(tmp_path / "link"))
    assert (real / "dir" / "file.txt").read_bytes() == b"ok"
