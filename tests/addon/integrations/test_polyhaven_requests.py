"""PolyHaven commands against the local service server, for everything that needs no Blender."""
from __future__ import annotations

from blender_mcp.integrations import polyhaven

INVALID_TYPE = "Invalid asset type. Must be one of: hdris, textures, models, all"


def test_status_tells_how_to_enable_when_off(use_settings):
    use_settings(use_polyhaven=False)
    status = polyhaven.get_polyhaven_status()
    assert status["enabled"] is False and "Use assets from PolyHaven" in status["message"]
    use_settings(use_polyhaven=True)
    assert polyhaven.get_polyhaven_status()["enabled"] is True


def test_categories_come_from_the_api_for_the_type(use_settings, services):
    use_settings(use_polyhaven=True)
    result = polyhaven.get_polyhaven_categories("hdris")
    assert result == {"categories": {"all": 9, "outdoor": 9, "sky": 9, "featured": 4}}
    assert [r.path for r in services.requests] == ["/polyhaven/categories/hdris"]


def test_categories_refuse_an_unknown_type_without_a_request(use_settings, services):
    use_settings(use_polyhaven=True)
    assert polyhaven.get_polyhaven_categories("planets") == {"error": INVALID_TYPE}
    assert services.requests == []


def test_categories_report_an_http_failure_with_its_status(use_settings, services, monkeypatch):
    monkeypatch.setenv("BLENDER_MCP_POLYHAVEN_API", services.base_url + "/nowhere")
    use_settings(use_polyhaven=True)
    result = polyhaven.get_polyhaven_categories("all")
    assert result["error"] == "API request failed with status code 404"


def test_search_returns_the_twenty_most_downloaded(use_settings, services):
    use_settings(use_polyhaven=True)
    result = polyhaven.search_polyhaven_assets()
    catalogue = services.routes.catalogue
    expected = sorted(catalogue, key=lambda k: catalogue[k]["download_count"], reverse=True)[:20]
    assert list(result["assets"]) == expected
    assert result["total_count"] == 25 and result["returned_count"] == 20
    assert services.requests[0].query == {}


def test_search_filters_by_type_and_categories(use_settings, services):
    use_settings(use_polyhaven=True)
    result = polyhaven.search_polyhaven_assets(asset_type="textures", categories=["brick", "featured"])
    assert services.requests[0].query == {"type": ["textures"], "categories": ["brick,featured"]}
    assert result["total_count"] == result["returned_count"] == 4
    assert all(asset["type"] == 1 for asset in result["assets"].values())


def test_search_treats_all_as_no_type_filter_and_refuses_unknown_types(use_settings, services):
    use_settings(use_polyhaven=True)
    assert polyhaven.search_polyhaven_assets(asset_type="all")["total_count"] == 25
    assert polyhaven.search_polyhaven_assets(asset_type="sounds") == {"error": INVALID_TYPE}
    assert polyhaven.search_polyhaven_assets(categories=7) == {
        "error": "categories must be a comma-separated string or a list of strings"}


def test_download_refuses_unknown_types_and_formats_before_any_request(use_settings, services):
    use_settings(use_polyhaven=True)
    assert polyhaven.download_polyhaven_asset("test_sky", "sounds") == {"error": "Unsupported asset type: sounds"}
    assert polyhaven.download_polyhaven_asset("test_sky", "hdris", file_format="png") == {
        "error": "Unsupported file format 'png' for hdris: use one of hdr, exr"}
    assert services.requests == []


def test_download_reports_a_missing_resolution_or_format(use_settings, services):
    use_settings(use_polyhaven=True)
    missing = {"error": "Requested resolution or format not available for this asset"}
    assert polyhaven.download_polyhaven_asset("test_sky", "hdris", resolution="8k") == missing
    assert polyhaven.download_polyhaven_asset("test_sky", "hdris", file_format="exr") == missing
    # the texture is served as png only, so the default jpg is not available
    assert polyhaven.download_polyhaven_asset("test_bricks", "textures") == missing
    assert polyhaven.download_polyhaven_asset("test_chair", "models", file_format="fbx") == missing
    assert services.recorded("/dl/") == []


def test_download_names_an_unknown_asset(use_settings, services):
    use_settings(use_polyhaven=True)
    assert polyhaven.download_polyhaven_asset("no_such_asset", "hdris") == {
        "error": "PolyHaven asset not found: no_such_asset"}


def test_model_includes_that_climb_out_are_refused_before_downloading(use_settings, services):
    use_settings(use_polyhaven=True)
    result = polyhaven.download_polyhaven_asset("test_evil_model", "models")
    assert result == {"error": "Refused file path '../evil.bin': '..' is not allowed"}
    assert services.recorded("/dl/") == []
