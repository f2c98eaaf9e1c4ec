"""Hyper3D Rodin commands in both modes against the local service server (no Blender needed)."""
from __future__ import annotations

import base64
import json

import pytest

from blender_mcp.integrations import hyper3d

from . import sample_files
from .service_routes import FAL_KEY, FAL_REQUEST, HYPER3D_KEY, RODIN_SUBSCRIPTION, RODIN_TASK


@pytest.fixture
def main_site(use_settings, services):
    use_settings(use_hyper3d=True, hyper3d_mode="MAIN_SITE", hyper3d_api_key=HYPER3D_KEY)
    return services


@pytest.fixture
def fal_ai(use_settings, services):
    use_settings(use_hyper3d=True, hyper3d_mode="FAL_AI", hyper3d_api_key=FAL_KEY)
    return services


def test_status_needs_the_toggle_and_a_key_and_names_mode_and_key_type(use_settings):
    use_settings(use_hyper3d=False, hyper3d_api_key=HYPER3D_KEY)
    assert hyper3d.get_hyper3d_status()["enabled"] is False
    use_settings(use_hyper3d=True, hyper3d_api_key="")
    status = hyper3d.get_hyper3d_status()
    assert status["enabled"] is False and "no API key" in status["message"]
    use_settings(use_hyper3d=True, hyper3d_api_key=hyper3d.RODIN_FREE_TRIAL_KEY)
    assert hyper3d.get_hyper3d_status() == {
        "enabled": True,
        "message": "Hyper3D Rodin integration is enabled and ready to use. Mode: MAIN_SITE. Key type: free_trial"}
    use_settings(use_hyper3d=True, hyper3d_mode="FAL_AI", hyper3d_api_key=FAL_KEY)
    assert hyper3d.get_hyper3d_status()["message"].endswith("Mode: FAL_AI. Key type: private")


def test_every_command_needs_a_key(use_settings, services):
    use_settings(use_hyper3d=True, hyper3d_api_key="")
    assert hyper3d.create_rodin_job(text_prompt="a chair") == {"error": "Hyper3D API key not set"}
    assert hyper3d.poll_rodin_job_status(subscription_key="s") == {"error": "Hyper3D API key not set"}
    assert hyper3d.import_generated_asset("Chair", task_uuid="t") == {
        "succeed": False, "error": "Hyper3D API key not set"}
    assert services.requests == []


def test_an_unknown_mode_is_named(use_settings, services):
    use_settings(use_hyper3d=True, hyper3d_mode="OTHER", hyper3d_api_key="k")
    assert hyper3d.create_rodin_job(text_prompt="x") == {
        "error": "Unknown Hyper3D mode: 'OTHER'; expected MAIN_SITE or FAL_AI"}


def test_main_site_job_is_a_multipart_upload_with_bearer_key(main_site):
    picture = sample_files.png(2, 2)
    answer = hyper3d.create_rodin_job(text_prompt="a wooden chair",
                                      images=[[".png", base64.b64encode(picture).decode()]],
                                      bbox_condition=[1, 2, 3])
    assert answer["uuid"] == RODIN_TASK and answer["jobs"]["subscription_key"] == RODIN_SUBSCRIPTION
    (sent,) = main_site.recorded("/hyper3d/")
    assert sent.path == "/hyper3d/api/v2/rodin"
    assert sent.headers["authorization"] == f"Bearer {HYPER3D_KEY}"
    assert sent.form_parts() == [("images", "0000.png", picture), ("tier", None, b"Sketch"),
                                 ("mesh_mode", None, b"Raw"), ("prompt", None, b"a wooden chair"),
                                 ("bbox_condition", None, b"[1, 2, 3]")]


def test_main_site_refuses_bad_image_pairs_before_sending(main_site):
    assert hyper3d.create_rodin_job(images=[[".png", "not base64!"]]) == {
        "error": "images[0]: the second item is not valid base64"}
    assert hyper3d.create_rodin_job(images=["https://example/x.png"]) == {
        "error": "images[0] must be a [suffix, base64] pair of strings in MAIN_SITE mode"}
    assert hyper3d.create_rodin_job() == {"error": "create_rodin_job needs text_prompt or images"}
    assert main_site.requests == []


def test_main_site_rejection_keeps_the_status_and_the_provider_reason(use_settings, services):
    use_settings(use_hyper3d=True, hyper3d_mode="MAIN_SITE", hyper3d_api_key="wrong")
    assert hyper3d.create_rodin_job(text_prompt="x") == {
        "error": "API request failed with status code 401", "detail": {"error": "INVALID_API_KEY"}}


def test_main_site_poll_lists_job_statuses(main_site):
    assert hyper3d.poll_rodin_job_status(subscription_key=RODIN_SUBSCRIPTION) == {
        "status_list": ["Done", "Generating"]}
    (sent,) = main_site.recorded("/hyper3d/")
    assert sent.path == "/hyper3d/api/v2/status" and sent.json() == {"subscription_key": RODIN_SUBSCRIPTION}
    assert hyper3d.poll_rodin_job_status(request_id="r") == {
        "error": "subscription_key is required in MAIN_SITE mode"}


def test_main_site_import_explains_a_task_without_glb(main_site):
    result = hyper3d.import_generated_asset("Chair", task_uuid="task-pending")
    assert result["succeed"] is False and result["error"].startswith("The task has no .glb result yet")
    assert hyper3d.import_generated_asset("Chair", request_id="r") == {
        "succeed": False, "error": "task_uuid is required in MAIN_SITE mode"}
    assert hyper3d.import_generated_asset(" ", task_uuid=RODIN_TASK) == {
        "succeed": False, "error": "name must be a non-empty string"}


def test_fal_job_is_json_with_key_authorisation(fal_ai):
    answer = hyper3d.create_rodin_job(text_prompt="a lamp", images=["https://img.example/a.png"],
                                      bbox_condition=[1, 1, 2])
    assert answer == {"request_id": FAL_REQUEST, "status": "IN_QUEUE"}
    (sent,) = fal_ai.recorded("/fal/")
    assert sent.path == "/fal/fal-ai/hyper3d/rodin"
    assert sent.headers["authorization"] == f"Key {FAL_KEY}"
    assert sent.headers["content-type"] == "application/json"
    assert sent.json() == {"tier": "Sketch", "input_image_urls": ["https://img.example/a.png"],
                           "prompt": "a lamp", "bbox_condition": [1, 1, 2]}


def test_fal_poll_returns_the_provider_json(fal_ai):
    assert hyper3d.poll_rodin_job_status(request_id=FAL_REQUEST) == {"status": "COMPLETED", "request_id": FAL_REQUEST}
    assert fal_ai.recorded("/fal/")[0].path == f"/fal/fal-ai/hyper3d/requests/{FAL_REQUEST}/status"
    assert hyper3d.poll_rodin_job_status(subscription_key="s") == {"error": "request_id is required in FAL_AI mode"}


def test_fal_refuses_image_pairs_and_reports_unknown_requests(fal_ai):
    assert hyper3d.create_rodin_job(images=[[".png", "AAAA"]]) == {
        "error": "images must be a list of image URLs in FAL_AI mode"}
    result = hyper3d.import_generated_asset("Lamp", request_id="req-unknown")
    assert result == {"succeed": False, "error": "API request failed with status code 404: "
                      + json.dumps({"detail": "Request not found"})}
