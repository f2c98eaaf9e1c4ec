"""multipart/form-data bodies (RFC 7578) for the Hyper3D MAIN_SITE upload."""
from __future__ import annotations

import mimetypes
import uuid
from typing import NamedTuple


class Part(NamedTuple):
    name: str
    value: bytes
    filename: str | None = None  # a file part when set, a plain text field when None


def text_field(name: str, value: str) -> Part:
    return Part(name, value.encode("utf-8"))


def file_field(name: str, filename: str, content: bytes) -> Part:
    return Part(name, content, filename)


def encode(parts: list[Part]) -> tuple[bytes, str]:
    """Returns (body, content type header value)."""
    boundary = "blender-mcp-" + uuid.uuid4().hex
    chunks: list[bytes] = []
    for part in parts:
        _check_header_value(part.name)
        disposition = f'form-data; name="{part.name}"'
        headers = []
        if part.filename is not None:
            _check_header_value(part.filename)
            disposition += f'; filename="{part.filename}"'
            content_type = mimetypes.guess_type(part.filename)[0] or "application/octet-stream"
            headers.append(f"Content-Type: {content_type}")
        head = f"--{boundary}\r\nContent-Disposition: {disposition}\r\n"
        head += "".join(f"{line}\r\n" for line in headers) + "\r\n"
        chunks.extend([head.encode("utf-8"), part.value, b"\r\n"])
    chunks.append(f"--{boundary}--\r\n".encode("ascii"))
    return b"".join(chunks), f"multipart/form-data; boundary={boundary}"


def _check_header_value(value: str) -> None:
    if any(ch in value for ch in '"\r\n'):
        raise ValueError(f"Form field or file name {value!r} contains a quote or a line break")
