"""Pictures of commands (docs/images.md), outside Blender: the format argument, the bound and its
message, what the result says of each picture and what goes over the wire."""
from __future__ import annotations

import base64

import pytest

from .. import paths  # noqa: F401
from blender_mcp import images

PNG = b"\x89PNG\r\n\x1a\n" + b"\0" * 20


def picture(label: str, size: int) -> images.Picture:
    return images.Picture(label=label, mime_type="image/png", data=PNG[:8] + b"\0" * (size - 8), width=4, height=2)


def test_the_format_argument_names_the_blender_format_mime_type_and_extension():
    assert images.image_format("png") == ("PNG", "image/png", ".png")
    assert images.image_format("JPG") == ("JPEG", "image/jpeg", ".jpg")
    assert images.image_format("jpeg") == ("JPEG", "image/jpeg", ".jpg")
    for bad in ("gif", "", None, 3):
        with pytest.raises(ValueError, match=r"^Unsupported format: .*\. Use png, jpg or jpeg$"):
            images.image_format(bad)


def test_the_bound_is_4_mib_unless_the_environment_says_otherwise():
    assert images.max_image_bytes({}) == 4 * 1024 * 1024
    assert images.max_image_bytes({"BLENDER_MCP_MAX_IMAGE_BYTES": " 2048 "}) == 2048
    for bad in ("0", "-5", "lots"):
        with pytest.raises(ValueError, match="BLENDER_MCP_MAX_IMAGE_BYTES must be a positive integer"):
            images.max_image_bytes({"BLENDER_MCP_MAX_IMAGE_BYTES": bad})


def test_pictures_over_the_bound_are_refused_whole_with_the_sizes_and_what_to_do():
    pictures = [picture("top", 600), picture("front", 500)]
    images.check_size(pictures, 1100)
    with pytest.raises(images.ImagesTooLarge) as refused:
        images.check_size(pictures, 1099)
    assert str(refused.value) == (
        "The pictures are 1100 bytes in all, more than the limit of 1099 bytes per reply "
        "(BLENDER_MCP_MAX_IMAGE_BYTES); ask for a smaller max_size, format jpeg or fewer views")


def test_the_result_lists_each_picture_by_its_content_index_and_the_wire_carries_base64():
    pictures = [picture("top", 30), picture("front", 40)]
    assert images.describe(pictures) == [
        {"index": 1, "label": "top", "width": 4, "height": 2, "mimeType": "image/png", "bytes": 30},
        {"index": 2, "label": "front", "width": 4, "height": 2, "mimeType": "image/png", "bytes": 40}]
    wire = images.wire(pictures)
    assert [item["label"] for item in wire] == ["top", "front"]
    assert base64.b64decode(wire[1]["data"], validate=True) == pictures[1].data
    assert wire[0]["mimeType"] == "image/png"
