"""Hyper3D Rodin commands (contract 9.12) for both backends: MAIN_SITE (hyperhuman.deemos.com,
multipart upload, Bearer key) and FAL_AI (queue.fal.run, JSON, `Key` key).

Problems are reported as {"error": "..."} (import_generated_asset: {"succeed": false, "error"}).
"""
from __future__ import annotations

import base64
import binascii
import json
import os
import urllib.parse
from typing import Any

from . import http_fetch, multipart, service_config
from .http_fetch import ServiceError

# The public free-trial key of Hyper3D (contract 9.4); the "Set Free Trial API Key" operator
# stores it as hyper3d_api_key together with hyper3d_mode = MAIN_SITE.
RODIN_FREE_TRIAL_KEY = "k9TcfFoEhNd9cCPP2guHAHHHkctZHIRhZDywZ1euGUXwihbYLpOjQhofby80NJez"

MAIN_SITE = "MAIN_SITE"
FAL_AI = "FAL_AI"
MODES = (MAIN_SITE, FAL_AI)

_DISABLED_MESSAGE = (
    "Hyper3D Rodin integration is disabled. To enable it, open the BlenderMCP tab in the 3D "
    "Viewport sidebar (press N), tick 'Use Hyper3D Rodin', choose the mode, set an API key "
    "(or press 'Set Free Trial API Key'), and run the command again.")
_NO_KEY_MESSAGE = (
    "Hyper3D Rodin integration is enabled but no API key is set. In the BlenderMCP sidebar tab, "
    "fill in the API key for the chosen mode or press 'Set Free Trial API Key'.")


class _Refused(Exception):
    """A request that is not sent; str() is the {"error"} text."""


def get_hyper3d_status() -> dict:
    if not service_config.setting("use_hyper3d", False):
        return {"enabled": False, "message": _DISABLED_MESSAGE}
    key = service_config.text_setting("hyper3d_api_key")
    if not key:
        return {"enabled": False, "message": _NO_KEY_MESSAGE}
    mode = service_config.setting("hyper3d_mode", MAIN_SITE)
    key_type = "free_trial" if key == RODIN_FREE_TRIAL_KEY else "private"
    return {"enabled": True,
            "message": ("Hyper3D Rodin integration is enabled and ready to use. "
                        f"Mode: {mode}. Key type: {key_type}")}


def create_rodin_job(text_prompt: str | None = None, images: list | None = None,
                     bbox_condition: Any = None) -> Any:
    """Starts a generation; returns the provider's JSON unchanged (MAIN_SITE: uuid and
    jobs.subscription_key; FAL_AI: request_id)."""
    try:
        mode, key = _mode_and_key()
        if not text_prompt and not images:
            raise _Refused("create_rodin_job needs text_prompt or images")
        if text_prompt is not None and not isinstance(text_prompt, str):
            raise _Refused("text_prompt must be a string")
        if mode == MAIN_SITE:
            body, content_type = multipart.encode(_main_site_parts(text_prompt, images, bbox_condition))
            reply = http_fetch.request(
                "POST", _main_site_url("/api/v2/rodin"), body=body,
                headers={"Authorization": f"Bearer {key}", "Content-Type": content_type,
                         "Accept": "application/json"})
        else:
            reply = http_fetch.post_json(
                _fal_url("/fal-ai/hyper3d/rodin"), _fal_request(text_prompt, images, bbox_condition),
                headers={"Authorization": f"Key {key}"})
        return _provider_json(reply)
    except (_Refused, ServiceError, ValueError) as error:
        return {"error": str(error)}


def poll_rodin_job_status(subscription_key: str | None = None, request_id: str | None = None) -> Any:
    """MAIN_SITE: {"status_list": [status of each job]}; FAL_AI: the provider's JSON."""
    try:
        mode, key = _mode_and_key()
        if mode == MAIN_SITE:
            _require(subscription_key, "subscription_key", mode)
            reply = http_fetch.post_json(_main_site_url("/api/v2/status"),
                                         {"subscription_key": subscription_key},
                                         headers={"Authorization": f"Bearer {key}"})
            answer = _provider_json(reply)
            if "error" in answer and "jobs" not in answer:
                return answer
            jobs = answer.get("jobs")
            if not isinstance(jobs, list):
                return {"error": "Unexpected answer from Hyper3D /api/v2/status: no jobs list",
                        "detail": answer}
            return {"status_list": [job.get("status") if isinstance(job, dict) else None for job in jobs]}
        _require(request_id, "request_id", mode)
        reply = http_fetch.get_json(_fal_url(f"/fal-ai/hyper3d/requests/{_path_part(request_id)}/status"),
                                    headers={"Authorization": f"Key {key}"})
        return _provider_json(reply)
    except (_Refused, ServiceError) as error:
        return {"error": str(error)}


def import_generated_asset(name: str, task_uuid: str | None = None,
                           request_id: str | None = None) -> dict:
    """Downloads the generated GLB, imports it as one mesh object named `name` and describes it."""
    try:
        mode, key = _mode_and_key()
        if not isinstance(name, str) or not name.strip():
            raise _Refused("name must be a non-empty string")
        if mode == MAIN_SITE:
            _require(task_uuid, "task_uuid", mode)
            glb_url = _main_site_glb_url(task_uuid, key)
        else:
            _require(request_id, "request_id", mode)
            glb_url = _fal_glb_url(request_id, key)
        return {"succeed": True, **_import_glb(glb_url, name)}
    except (_Refused, ServiceError, ValueError) as error:
        return {"succeed": False, "error": str(error)}
    except Exception as error:  # bpy reports failed imports as RuntimeError and friends
        return {"succeed": False, "error": f"Failed to import the generated model: {error}"}


def _mode_and_key() -> tuple[str, str]:
    key = service_config.text_setting("hyper3d_api_key")
    if not key:
        raise _Refused("Hyper3D API key not set")
    mode = service_config.setting("hyper3d_mode", MAIN_SITE)
    if mode not in MODES:
        raise _Refused(f"Unknown Hyper3D mode: {mode!r}; expected MAIN_SITE or FAL_AI")
    return mode, key


def _require(value: Any, field: str, mode: str) -> None:
    if not isinstance(value, str) or not value.strip():
        raise _Refused(f"{field} is required in {mode} mode")


def _main_site_parts(text_prompt: str | None, images: Any, bbox_condition: Any) -> list:
    parts = []
    for index, pair in enumerate(images or []):
        if (not isinstance(pair, (list, tuple)) or len(pair) != 2
                or not all(isinstance(item, str) for item in pair)):
            raise _Refused(f"images[{index}] must be a [suffix, base64] pair of strings in MAIN_SITE mode")
        suffix, encoded = pair
        if suffix and not suffix.startswith("."):
            suffix = "." + suffix
        try:
            content = base64.b64decode(encoded, validate=True)
        except (binascii.Error, ValueError):
            raise _Refused(f"images[{index}]: the second item is not valid base64") from None
        parts.append(multipart.file_field("images", f"{index:04d}{suffix}", content))
    parts.append(multipart.text_field("tier", "Sketch"))
    parts.append(multipart.text_field("mesh_mode", "Raw"))
    if text_prompt:
        parts.append(multipart.text_field("prompt", text_prompt))
    if bbox_condition is not None:
        parts.append(multipart.text_field("bbox_condition", json.dumps(bbox_condition)))
    return parts


def _fal_request(text_prompt: str | None, images: Any, bbox_condition: Any) -> dict:
    request: dict[str, Any] = {"tier": "Sketch"}
    if images:
        if not isinstance(images, list) or not all(isinstance(url, str) for url in images):
            raise _Refused("images must be a list of image URLs in FAL_AI mode")
        request["input_image_urls"] = images
    if text_prompt:
        request["prompt"] = text_prompt
    if bbox_condition is not None:
        request["bbox_condition"] = bbox_condition
    return request


def _main_site_glb_url(task_uuid: str, key: str) -> str:
    reply = http_fetch.post_json(_main_site_url("/api/v2/download"), {"task_uuid": task_uuid},
                                 headers={"Authorization": f"Bearer {key}"})
    answer = _provider_json(reply)
    if "error" in answer and "list" not in answer:
        raise _Refused(_describe_error(answer))
    for item in answer.get("list") or []:
        if isinstance(item, dict) and str(item.get("name", "")).lower().endswith(".glb") \
                and isinstance(item.get("url"), str):
            return item["url"]
    raise _Refused("The task has no .glb result yet: wait until every job of the task is Done "
                   "(poll_rodin_job_status), then try again")


def _fal_glb_url(request_id: str, key: str) -> str:
    reply = http_fetch.get_json(_fal_url(f"/fal-ai/hyper3d/requests/{_path_part(request_id)}"),
                                headers={"Authorization": f"Key {key}"})
    answer = _provider_json(reply)
    if "error" in answer and "model_mesh" not in answer:
        raise _Refused(_describe_error(answer))
    mesh = answer.get("model_mesh")
    if not isinstance(mesh, dict) or not isinstance(mesh.get("url"), str):
        raise _Refused("The request has no model_mesh.url yet: wait until its status is "
                       "COMPLETED (poll_rodin_job_status), then try again")
    return mesh["url"]


def _import_glb(url: str, name: str) -> dict:
    from . import scene_import, workdir

    with workdir.temporary_directory("rodin") as directory:
        path = os.path.join(directory, "generated.glb")
        http_fetch.download(url, path, http_fetch.Deadline())
        imported = scene_import.import_model(path)
        scene_import.pack_images_under(directory)
    obj = scene_import.flatten_to_single_mesh(imported, name)
    return scene_import.object_summary(obj)


def _provider_json(reply: http_fetch.Reply) -> dict:
    """The provider's JSON object on 2xx, else the contract's status error."""
    if not reply.ok:
        return http_fetch.status_error(reply)
    answer = reply.json()
    if not isinstance(answer, dict):
        raise ServiceError(f"Unexpected answer from {reply.url}: expected a JSON object")
    return answer


def _describe_error(answer: dict) -> str:
    detail = answer.get("detail")
    return f"{answer['error']}: {json.dumps(detail)}" if detail is not None else str(answer["error"])


def _path_part(value: str) -> str:
    return urllib.parse.quote(value, safe="")


def _main_site_url(path: str) -> str:
    return service_config.base_url(service_config.HYPER3D_MAIN_SITE) + path


def _fal_url(path: str) -> str:
    return service_config.base_url(service_config.HYPER3D_FAL_AI) + path
