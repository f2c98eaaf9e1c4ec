"""Sketchfab commands against the local service server: key check, search parameters, download
links and the refusal of hostile archives, all before anything reaches Blender."""
from __future__ import annotations

import os

import pytest

from blender_mcp.integrations import sketchfab

from .service_routes import SKETCHFAB_KEY, SKETCHFAB_USER
from .test_http_fetch import closed_port_url

TRAVERSAL = {"error": "Security issue: Zip contains files with path traversal attempt"}


@pytest.fixture
def enabled(use_settings, services):
    use_settings(use_sketchfab=True, sketchfab_api_key=SKETCHFAB_KEY)
    return services


def test_status_is_off_without_toggle_or_key_and_sends_nothing(use_settings, services):
    use_settings(use_sketchfab=False, sketchfab_api_key=SKETCHFAB_KEY)
    assert sketchfab.get_sketchfab_status()["enabled"] is False
    use_settings(use_sketchfab=True, sketchfab_api_key="")
    status = sketchfab.get_sketchfab_status()
    assert status["enabled"] is False and "no API key" in status["message"]
    assert services.requests == []


def test_status_checks_the_key_with_v3_me(enabled):
    status = sketchfab.get_sketchfab_status()
    assert status["enabled"] is True
    assert status["message"].endswith(f"Logged in as: {SKETCHFAB_USER}")
    (sent,) = enabled.requests
    assert sent.path == "/sketchfab/v3/me" and sent.headers["authorization"] == f"Token {SKETCHFAB_KEY}"


def test_status_reports_a_rejected_key(use_settings, services):
    use_settings(use_sketchfab=True, sketchfab_api_key="wrong")
    status = sketchfab.get_sketchfab_status()
    assert status["enabled"] is False and "HTTP 401" in status["message"]


def test_status_reports_an_unreachable_service(use_settings, monkeypatch):
    monkeypatch.setenv("BLENDER_MCP_SKETCHFAB_API", closed_port_url())
    use_settings(use_sketchfab=True, sketchfab_api_key=SKETCHFAB_KEY)
    status = sketchfab.get_sketchfab_status()
    assert status["enabled"] is False and "Cannot reach" in status["message"]


def test_search_sends_the_contract_parameters_and_returns_the_provider_json(enabled):
    answer = sketchfab.search_sketchfab_models("old chair", categories=["furniture-home", "vintage"],
                                               count=5, downloadable=False)
    expected_query = {"type": "models", "q": "old chair", "count": "5", "downloadable": "false",
                      "archives_flavours": "false", "categories": "furniture-home,vintage"}
    assert answer["echo"] == expected_query
    assert answer["results"][0]["uid"] == "model0001"
    assert enabled.requests[0].path == "/sketchfab/v3/search"


def test_search_refuses_bad_arguments(enabled):
    assert sketchfab.search_sketchfab_models("") == {"error": "query must be a non-empty string"}
    assert sketchfab.search_sketchfab_models("x", count=0) == {"error": "count must be a positive integer, got 0"}
    assert enabled.requests == []


def test_download_refuses_bad_uids_missing_keys_and_unknown_models(use_settings, services):
    use_settings(use_sketchfab=True, sketchfab_api_key=SKETCHFAB_KEY)
    assert sketchfab.download_sketchfab_model("../me") == {"error": "Invalid Sketchfab model uid: '../me'"}
    assert sketchfab.download_sketchfab_model("unknown1") == {"error": "Model not found or not downloadable: unknown1"}
    assert sketchfab.download_sketchfab_model("nogltf01") == {"error": "No glTF download is offered for model nogltf01"}
    use_settings(use_sketchfab=True, sketchfab_api_key="")
    assert sketchfab.download_sketchfab_model("model0001") == {"error": "Sketchfab API key not set"}


@pytest.mark.parametrize("uid", ["evil0001", "absolute01", "symlink01"])
def test_hostile_archives_are_refused_and_nothing_is_written_outside(enabled, uid, tmp_path, monkeypatch):
    monkeypatch.setenv("TMPDIR", str(tmp_path))
    import tempfile
    monkeypatch.setattr(tempfile, "tempdir", None)  # re-read TMPDIR
    assert sketchfab.download_sketchfab_model(uid) == TRAVERSAL
    assert os.listdir(tmp_path) == []  # the work directory is gone and nothing escaped into TMPDIR
    assert not os.path.exists("/tmp/blender_mcp_absolute.txt")


def test_a_corrupt_archive_is_reported(enabled):
    result = sketchfab.download_sketchfab_model("notzip01")
    assert result["error"].startswith("The download of model notzip01 is not a valid zip archive")
