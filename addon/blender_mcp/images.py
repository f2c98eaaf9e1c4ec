"""Pictures that commands return (docs/images.md). No bpy.

A command that produces pictures returns `WithImages(result, pictures)`: `result` is its ordinary
result object (the JSON text of the reply's `result`) and already lists the pictures (`describe`);
the runner checks their size against the bound and sends their bytes in the `images` argument of
`blender_job_update`, which the server turns into MCP image content after the envelope. The
base64 never goes into `result`.

The bound: at most BLENDER_MCP_MAX_IMAGE_BYTES (default 4 MiB, the server's default) decoded
bytes of pictures per reply. A reply over it fails with a sentence that says so; no picture is
ever cut.
"""
from __future__ import annotations

import base64
import os
from dataclasses import dataclass, field

DEFAULT_MAX_IMAGE_BYTES = 4 * 1024 * 1024
MAX_IMAGE_BYTES_VARIABLE = "BLENDER_MCP_MAX_IMAGE_BYTES"

# format argument -> (Blender file format, MIME type, file extension)
FORMATS = {"png": ("PNG", "image/png", ".png"), "jpg": ("JPEG", "image/jpeg", ".jpg"),
           "jpeg": ("JPEG", "image/jpeg", ".jpg")}
JPEG_QUALITY = 90


@dataclass
class Picture:
    label: str
    mime_type: str
    data: bytes
    width: int
    height: int


@dataclass
class WithImages:
    """A command result with pictures; `result` should hold `"images": describe(pictures)`."""

    result: dict
    pictures: list[Picture] = field(default_factory=list)


class ImagesTooLarge(Exception):
    pass


def image_format(name: object) -> tuple[str, str, str]:
    """(Blender file format, MIME type, extension) of a format argument; ValueError names it."""
    found = FORMATS.get(str(name).lower()) if isinstance(name, str) else None
    if found is None:
        raise ValueError(f"Unsupported format: {name}. Use png, jpg or jpeg")
    return found


def max_image_bytes(environ=os.environ) -> int:
    """The bound in force: BLENDER_MCP_MAX_IMAGE_BYTES when set, else 4 MiB."""
    text = environ.get(MAX_IMAGE_BYTES_VARIABLE, "").strip()
    if not text:
        return DEFAULT_MAX_IMAGE_BYTES
    try:
        value = int(text)
    except ValueError:
        value = 0
    if value <= 0:
        raise ValueError(f"{MAX_IMAGE_BYTES_VARIABLE} must be a positive integer, not '{text}'")
    return value


def check_size(pictures: list[Picture], limit: int) -> None:
    """Raises ImagesTooLarge, with the sizes and what to ask for instead, over the bound."""
    total = sum(len(p.data) for p in pictures)
    if total > limit:
        raise ImagesTooLarge(
            f"The pictures are {total} bytes in all, more than the limit of {limit} bytes per reply "
            f"({MAX_IMAGE_BYTES_VARIABLE}); ask for a smaller max_size, format jpeg or fewer views")


def describe(pictures: list[Picture]) -> list[dict]:
    """What `result["images"]` says of each picture; index is its position in the tool result's content."""
    return [{"index": number, "label": p.label, "width": p.width, "height": p.height, "mimeType": p.mime_type,
             "bytes": len(p.data)} for number, p in enumerate(pictures, start=1)]


def wire(pictures: list[Picture]) -> list[dict]:
    """The `images` argument of blender_job_update."""
    return [{"mimeType": p.mime_type, "data": base64.b64encode(p.data).decode("ascii"), "label": p.label}
            for p in pictures]
