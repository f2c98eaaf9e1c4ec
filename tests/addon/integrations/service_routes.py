"""What the local test server answers, per service, modelled on the public APIs' documented shapes.

Known ids and keys are the constants below; anything else gets the provider's kind of error
(401 for a wrong key, 404 for an unknown id).
"""
from __future__ import annotations

import email.parser
import email.policy
import json
from dataclasses import dataclass
from typing import Any, Callable

from . import sample_files

HYPER3D_KEY = "rodin-test-key"
FAL_KEY = "fal-test-key"
SKETCHFAB_KEY = "sketchfab-test-key"
SKETCHFAB_USER = "mcp-tester"
RODIN_TASK = "task-0001"
RODIN_SUBSCRIPTION = "sub-0001"
FAL_REQUEST = "req-0001"

# PolyHaven's numeric asset types in /assets answers.
_TYPE_CODES = {"hdris": 0, "textures": 1, "models": 2}


@dataclass
class RecordedRequest:
    method: str
    path: str
    query: dict[str, list[str]]
    headers: dict[str, str]
    body: bytes

    def json(self) -> Any:
        return json.loads(self.body.decode("utf-8"))

    def form_parts(self) -> list[tuple[str, str | None, bytes]]:
        """(field name, file name or None, content) of a multipart/form-data body."""
        head = f"Content-Type: {self.headers['content-type']}\r\n\r\n".encode("latin-1")
        message = email.parser.BytesParser(policy=email.policy.HTTP).parsebytes(head + self.body)
        return [(part.get_param("name", header="content-disposition"), part.get_filename(),
                 part.get_payload(decode=True)) for part in message.iter_parts()]


@dataclass
class Answer:
    status: int
    body: bytes
    content_type: str = "application/json"

    @staticmethod
    def of_json(value: Any, status: int = 200) -> "Answer":
        return Answer(status, json.dumps(value).encode("utf-8"))


def polyhaven_catalogue() -> dict[str, dict]:
    """25 assets (more than the 20 the search returns), download counts in no particular order."""
    assets = {}
    for index in range(25):
        kind = ("hdris", "textures", "models")[index % 3]
        categories = ["outdoor", "sky"] if kind == "hdris" else ["man made"] if kind == "models" else ["brick", "wall"]
        if index % 2:
            categories = categories + ["featured"]
        assets[f"asset_{index:02d}"] = {"name": f"Asset {index}", "type": _TYPE_CODES[kind],
                                        "categories": categories,
                                        "download_count": (index * 7919) % 1000}
    return assets


class Routes:
    def __init__(self, base_url: str) -> None:
        self.base_url = base_url
        self.downloads = self._make_downloads()
        self.catalogue = polyhaven_catalogue()
        self._table: list[tuple[str, str, Callable[[RecordedRequest, str], Answer]]] = [
            ("GET", "/dl/", self._download),
            ("GET", "/polyhaven/categories/", self._polyhaven_categories),
            ("GET", "/polyhaven/assets", self._polyhaven_assets),
            ("GET", "/polyhaven/files/", self._polyhaven_files),
            ("POST", "/hyper3d/api/v2/rodin", self._rodin_create),
            ("POST", "/hyper3d/api/v2/status", self._rodin_status),
            ("POST", "/hyper3d/api/v2/download", self._rodin_download),
            ("POST", "/fal/fal-ai/hyper3d/rodin", self._fal_create),
            ("GET", "/fal/fal-ai/hyper3d/requests/", self._fal_request),
            ("GET", "/sketchfab/v3/me", self._sketchfab_me),
            ("GET", "/sketchfab/v3/search", self._sketchfab_search),
            ("GET", "/sketchfab/v3/models/", self._sketchfab_download_links),
        ]

    def answer(self, request: RecordedRequest) -> Answer:
        for method, prefix, handler in self._table:
            if request.method == method and request.path.startswith(prefix):
                return handler(request, request.path[len(prefix):])
        return Answer.of_json({"error": f"no route for {request.method} {request.path}"}, 404)

    def dl(self, name: str) -> str:
        return f"{self.base_url}/dl/{name}"

    @staticmethod
    def _make_downloads() -> dict[str, bytes]:
        gltf, buffer = sample_files.gltf_triangle(texture_uri="textures/skin_baseColor.png")
        return {
            "test_sky_1k.hdr": sample_files.radiance_hdr(16, 8),
            "test_sky_2k.hdr": sample_files.radiance_hdr(32, 16),
            "bricks_diff_1k.png": sample_files.png(4, 4, seed=1),
            "bricks_nor_gl_1k.png": sample_files.png(4, 4, seed=2),
            "bricks_arm_1k.png": sample_files.png(4, 4, seed=3),
            "bricks_disp_1k.png": sample_files.png(4, 4, seed=4),
            "chair_1k.gltf": gltf,
            "chair.bin": buffer,
            "chair_skin.png": sample_files.png(4, 4, seed=5),
            "rodin_main.glb": sample_files.glb(mesh_nodes=2),
            "rodin_fal.glb": sample_files.glb(mesh_nodes=1),
            "model0001.zip": sample_files.sketchfab_model_zip(),
            "evil.zip": sample_files.zip_archive({"scene.gltf": gltf, "scene.bin": buffer,
                                                  "../../evil.txt": b"escaped\n"}),
            "absolute.zip": sample_files.zip_archive({"scene.gltf": gltf, "/tmp/blender_mcp_absolute.txt": b"x"}),
            "symlink.zip": sample_files.zip_archive({"scene.gltf": gltf, "scene.bin": buffer},
                                                    symlinks={"textures": "/etc"}),
            "not_a_zip.zip": b"this is not a zip archive",
            "broken_gltf.zip": sample_files.zip_archive({"scene.gltf": b"{ this is not glTF"}),
        }

    # --- downloads -----------------------------------------------------------------------
    def _download(self, request: RecordedRequest, name: str) -> Answer:
        if name not in self.downloads:
            return Answer(404, b"not found", "text/plain")
        return Answer(200, self.downloads[name], "application/octet-stream")

    # --- PolyHaven -----------------------------------------------------------------------
    def _polyhaven_categories(self, request: RecordedRequest, asset_type: str) -> Answer:
        if asset_type not in ("hdris", "textures", "models", "all"):
            return Answer.of_json({"error": "Invalid type"}, 400)
        counts: dict[str, int] = {}
        for asset in self.catalogue.values():
            if asset_type == "all" or asset["type"] == _TYPE_CODES[asset_type]:
                for category in ["all"] + asset["categories"]:
                    counts[category] = counts.get(category, 0) + 1
        return Answer.of_json(counts)

    def _polyhaven_assets(self, request: RecordedRequest, _: str) -> Answer:
        wanted_type = (request.query.get("type") or ["all"])[0]
        wanted = [c for c in (request.query.get("categories") or [""])[0].split(",") if c]
        if wanted_type not in ("hdris", "textures", "models", "all"):
            return Answer.of_json({"error": "Invalid type"}, 400)
        chosen = {asset_id: asset for asset_id, asset in self.catalogue.items()
                  if (wanted_type == "all" or asset["type"] == _TYPE_CODES[wanted_type])
                  and all(c in asset["categories"] for c in wanted)}
        return Answer.of_json(chosen)

    def _polyhaven_files(self, request: RecordedRequest, asset_id: str) -> Answer:
        files = self._polyhaven_file_lists().get(asset_id)
        if files is None:
            return Answer.of_json({"error": "Not found"}, 404)
        return Answer.of_json(files)

    def _polyhaven_file_lists(self) -> dict[str, dict]:
        def entry(name: str, fmt: str, **extra: Any) -> dict:
            return {fmt: {"url": self.dl(name), "md5": "0", "size": len(self.downloads.get(name, b"")), **extra}}
        return {
            "test_sky": {"hdri": {"1k": entry("test_sky_1k.hdr", "hdr"),
                                  "2k": entry("missing_2k.hdr", "hdr")},
                         "tonemapped": {"url": self.dl("missing.jpg")}},
            # The asset of the user guide's Style A example, so that program runs as written.
            "kloofendal_43d_clear_puresky": {"hdri": {"1k": entry("test_sky_1k.hdr", "hdr"),
                                                      "2k": entry("test_sky_2k.hdr", "hdr")}},
            "test_bricks": {
                "Diffuse": {"1k": entry("bricks_diff_1k.png", "png")},
                "nor_gl": {"1k": entry("bricks_nor_gl_1k.png", "png")},
                "arm": {"1k": entry("bricks_arm_1k.png", "png")},
                "Displacement": {"1k": entry("bricks_disp_1k.png", "png")},
                "blend": {"1k": {"blend": {"url": self.dl("missing.blend"), "include": {}}}},
                "gltf": {"1k": {"gltf": {"url": self.dl("missing.gltf"), "include": {}}}},
            },
            "test_broken_bricks": {
                "Diffuse": {"1k": entry("bricks_diff_1k.png", "png")},
                "Rough": {"1k": entry("missing_rough_1k.png", "png")},
            },
            "test_chair": {"gltf": {"1k": {"gltf": {
                "url": self.dl("chair_1k.gltf"),
                "include": {"scene.bin": {"url": self.dl("chair.bin")},
                            "textures/skin_baseColor.png": {"url": self.dl("chair_skin.png")}}}}}},
            "test_evil_model": {"gltf": {"1k": {"gltf": {
                "url": self.dl("chair_1k.gltf"),
                "include": {"../evil.bin": {"url": self.dl("chair.bin")}}}}}},
        }

    # --- Hyper3D MAIN_SITE -------------------------------------------------------------------
    def _rodin_create(self, request: RecordedRequest, _: str) -> Answer:
        if request.headers.get("authorization") != f"Bearer {HYPER3D_KEY}":
            return Answer.of_json({"error": "INVALID_API_KEY"}, 401)
        if not request.headers.get("content-type", "").startswith("multipart/form-data"):
            return Answer.of_json({"error": "expected multipart/form-data"}, 400)
        fields = {name for name, _, _ in request.form_parts()}
        if not {"tier", "mesh_mode"} <= fields or not ({"prompt", "images"} & fields):
            return Answer.of_json({"error": f"missing fields, got {sorted(fields)}"}, 400)
        return Answer.of_json({"error": None, "message": "Submitted", "uuid": RODIN_TASK,
                               "jobs": {"uuids": ["job-a", "job-b"], "subscription_key": RODIN_SUBSCRIPTION}})

    def _rodin_status(self, request: RecordedRequest, _: str) -> Answer:
        if request.headers.get("authorization") != f"Bearer {HYPER3D_KEY}":
            return Answer.of_json({"error": "INVALID_API_KEY"}, 401)
        if request.json().get("subscription_key") != RODIN_SUBSCRIPTION:
            return Answer.of_json({"error": "SUBSCRIPTION_NOT_FOUND"}, 404)
        return Answer.of_json({"jobs": [{"uuid": "job-a", "status": "Done"},
                                        {"uuid": "job-b", "status": "Generating"}]})

    def _rodin_download(self, request: RecordedRequest, _: str) -> Answer:
        if request.headers.get("authorization") != f"Bearer {HYPER3D_KEY}":
            return Answer.of_json({"error": "INVALID_API_KEY"}, 401)
        task = request.json().get("task_uuid")
        if task == RODIN_TASK:
            return Answer.of_json({"list": [{"name": "preview.webp", "url": self.dl("missing.webp")},
                                            {"name": "base_basic_pbr.glb", "url": self.dl("rodin_main.glb")}]})
        if task == "task-pending":
            return Answer.of_json({"list": []})
        return Answer.of_json({"error": "TASK_NOT_FOUND"}, 404)

    # --- Hyper3D FAL_AI ------------------------------------------------------------------
    def _fal_create(self, request: RecordedRequest, _: str) -> Answer:
        if request.headers.get("authorization") != f"Key {FAL_KEY}":
            return Answer.of_json({"detail": "Unauthorized"}, 401)
        body = request.json()
        if body.get("tier") != "Sketch" or not (body.get("prompt") or body.get("input_image_urls")):
            return Answer.of_json({"detail": f"bad request body {body}"}, 422)
        return Answer.of_json({"request_id": FAL_REQUEST, "status": "IN_QUEUE"})

    def _fal_request(self, request: RecordedRequest, rest: str) -> Answer:
        if request.headers.get("authorization") != f"Key {FAL_KEY}":
            return Answer.of_json({"detail": "Unauthorized"}, 401)
        if rest == f"{FAL_REQUEST}/status":
            return Answer.of_json({"status": "COMPLETED", "request_id": FAL_REQUEST})
        if rest == FAL_REQUEST:
            return Answer.of_json({"model_mesh": {"url": self.dl("rodin_fal.glb"),
                                                  "file_name": "base_basic_pbr.glb"}})
        return Answer.of_json({"detail": "Request not found"}, 404)

    # --- Sketchfab -----------------------------------------------------------------------
    def _sketchfab_me(self, request: RecordedRequest, _: str) -> Answer:
        if request.headers.get("authorization") != f"Token {SKETCHFAB_KEY}":
            return Answer.of_json({"detail": "Invalid token."}, 401)
        return Answer.of_json({"username": SKETCHFAB_USER, "uid": "user0001"})

    def _sketchfab_search(self, request: RecordedRequest, _: str) -> Answer:
        query = {key: values[0] for key, values in request.query.items()}
        return Answer.of_json({"results": [{"uid": "model0001", "name": f"Triangle for {query.get('q')}"}],
                               "cursors": {"next": None, "previous": None}, "echo": query})

    def _sketchfab_download_links(self, request: RecordedRequest, rest: str) -> Answer:
        if request.headers.get("authorization") != f"Token {SKETCHFAB_KEY}":
            return Answer.of_json({"detail": "Invalid token."}, 401)
        uid, _, tail = rest.partition("/")
        archives = {"model0001": "model0001.zip", "evil0001": "evil.zip", "absolute01": "absolute.zip",
                    "symlink01": "symlink.zip", "notzip01": "not_a_zip.zip", "broken01": "broken_gltf.zip"}
        if tail != "download" or uid not in archives and uid != "nogltf01":
            return Answer.of_json({"detail": "Not found."}, 404)
        if uid == "nogltf01":
            return Answer.of_json({"usdz": {"url": self.dl("missing.usdz")}})
        return Answer.of_json({"gltf": {"url": self.dl(archives[uid]), "size": 1, "expires": 300}})
