"""Small real asset files written byte by byte for the integration tests (standard library only).

- radiance_hdr: a Radiance RGBE image with flat (not run-length encoded) scanlines
- png: an 8-bit RGB PNG (zlib + CRC-checked chunks)
- gltf_triangle / glb: a minimal valid glTF 2.0 model, one triangle per mesh
- zip_archive: a zip with chosen member names (including hostile ones)
"""
from __future__ import annotations

import io
import json
import math
import stat
import struct
import zipfile
import zlib


def radiance_hdr(width: int = 16, height: int = 8) -> bytes:
    """A horizontal red and vertical green gradient with blue fixed at 0.25, values up to 4.0."""
    header = f"#?RADIANCE\nFORMAT=32-bit_rle_rgbe\n\n-Y {height} +X {width}\n".encode("ascii")
    pixels = bytearray()
    for y in range(height):
        for x in range(width):
            pixels += _rgbe(4.0 * (x + 1) / width, 2.0 * (y + 1) / height, 0.25)
    return header + bytes(pixels)


def _rgbe(red: float, green: float, blue: float) -> bytes:
    brightest = max(red, green, blue)
    if brightest < 1e-32:
        return b"\0\0\0\0"
    mantissa, exponent = math.frexp(brightest)
    scale = mantissa * 256.0 / brightest
    return bytes([int(red * scale), int(green * scale), int(blue * scale), exponent + 128])


def png(width: int = 4, height: int = 4, seed: int = 0) -> bytes:
    """An RGB PNG whose pixels differ from each other (and between seeds)."""
    rows = bytearray()
    for y in range(height):
        rows.append(0)  # filter type None
        for x in range(width):
            rows += bytes([(x * 60 + seed * 40) % 256, (y * 60 + seed * 15) % 256, (x * y * 20 + seed) % 256])
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)  # 8-bit truecolour
    return (b"\x89PNG\r\n\x1a\n" + _chunk(b"IHDR", header)
            + _chunk(b"IDAT", zlib.compress(bytes(rows))) + _chunk(b"IEND", b""))


def _chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))


_TRIANGLE = ((0.0, 0.0, 0.0), (1.0, 0.0, 0.0), (0.0, 1.0, 0.0))
_TRIANGLE_UV = ((0.0, 0.0), (1.0, 0.0), (0.0, 1.0))


def _triangle_buffer() -> bytes:
    positions = b"".join(struct.pack("<3f", *p) for p in _TRIANGLE)
    uvs = b"".join(struct.pack("<2f", *uv) for uv in _TRIANGLE_UV)
    return positions + uvs  # 36 + 24 bytes


def _triangle_document(buffer_uri: str | None, mesh_nodes: int, texture_uri: str | None) -> dict:
    """One mesh (a triangle), instanced by `mesh_nodes` nodes under one root node when > 1."""
    buffer: dict = {"byteLength": 60}
    if buffer_uri is not None:
        buffer["uri"] = buffer_uri
    primitive: dict = {"attributes": {"POSITION": 0, "TEXCOORD_0": 1}}
    document: dict = {
        "asset": {"version": "2.0", "generator": "blender-mcp tests"},
        "buffers": [buffer],
        "bufferViews": [{"buffer": 0, "byteOffset": 0, "byteLength": 36},
                        {"buffer": 0, "byteOffset": 36, "byteLength": 24}],
        "accessors": [
            {"bufferView": 0, "componentType": 5126, "count": 3, "type": "VEC3",
             "min": [0.0, 0.0, 0.0], "max": [1.0, 1.0, 0.0]},
            {"bufferView": 1, "componentType": 5126, "count": 3, "type": "VEC2"},
        ],
        "meshes": [{"name": "Triangle", "primitives": [primitive]}],
    }
    if texture_uri is not None:
        document["images"] = [{"uri": texture_uri}]
        document["textures"] = [{"source": 0}]
        document["materials"] = [{"name": "TriangleSkin",
                                  "pbrMetallicRoughness": {"baseColorTexture": {"index": 0}}}]
        primitive["material"] = 0
    if mesh_nodes == 1:
        document["nodes"] = [{"name": "Triangle", "mesh": 0}]
        document["scenes"] = [{"nodes": [0]}]
    else:
        children = [{"name": f"Part{i}", "mesh": 0, "translation": [2.0 * i, 0.0, 0.0]}
                    for i in range(mesh_nodes)]
        document["nodes"] = [{"name": "Root", "children": list(range(1, mesh_nodes + 1))}] + children
        document["scenes"] = [{"nodes": [0]}]
    document["scene"] = 0
    return document


def gltf_triangle(texture_uri: str | None = None) -> tuple[bytes, bytes]:
    """(.gltf JSON referring to "scene.bin", the .bin buffer)."""
    document = _triangle_document("scene.bin", 1, texture_uri)
    return json.dumps(document, indent=1).encode("utf-8"), _triangle_buffer()


def glb(mesh_nodes: int = 1) -> bytes:
    """A binary glTF; with mesh_nodes > 1 an empty root node holds that many triangle nodes,
    each moved 2 units further along +X."""
    document = json.dumps(_triangle_document(None, mesh_nodes, None)).encode("utf-8")
    document += b" " * (-len(document) % 4)
    binary = _triangle_buffer()
    binary += b"\0" * (-len(binary) % 4)
    chunks = (struct.pack("<I4s", len(document), b"JSON") + document
              + struct.pack("<I4s", len(binary), b"BIN\0") + binary)
    return struct.pack("<4sII", b"glTF", 2, 12 + len(chunks)) + chunks


def zip_archive(members: dict[str, bytes], symlinks: dict[str, str] | None = None) -> bytes:
    """A zip holding `members` verbatim (names are not sanitised) and optional symlink entries."""
    stream = io.BytesIO()
    with zipfile.ZipFile(stream, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in members.items():
            archive.writestr(zipfile.ZipInfo(name), data)
        for name, target in (symlinks or {}).items():
            info = zipfile.ZipInfo(name)
            info.create_system = 3  # Unix, so external_attr carries the file mode
            info.external_attr = (stat.S_IFLNK | 0o777) << 16
            archive.writestr(info, target)
    return stream.getvalue()


def sketchfab_model_zip() -> bytes:
    """What Sketchfab's glTF archive looks like: scene.gltf, scene.bin and a texture folder."""
    document, buffer = gltf_triangle(texture_uri="textures/skin_baseColor.png")
    return zip_archive({"scene.gltf": document, "scene.bin": buffer,
                        "textures/skin_baseColor.png": png(4, 4, seed=3), "license.txt": b"CC-BY-4.0\n"})
