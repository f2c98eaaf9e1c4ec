"""Base URL precedence (contract 9.13): environment, then preference, then default."""
from __future__ import annotations

from blender_mcp.integrations import service_config


def test_defaults_are_the_public_services(use_settings, no_service_env):
    use_settings()
    assert service_config.base_url(service_config.POLYHAVEN) == "https://api.polyhaven.com"
    assert service_config.base_url(service_config.SKETCHFAB) == "https://api.sketchfab.com"
    assert service_config.base_url(service_config.HYPER3D_MAIN_SITE) == "https://hyperhuman.deemos.com"
    assert service_config.base_url(service_config.HYPER3D_FAL_AI) == "https://queue.fal.run"


def test_a_preference_replaces_the_default_without_trailing_slash(use_settings, no_service_env):
    use_settings(polyhaven_api_url="http://mirror.example/ph/", fal_api_url="  ")
    assert service_config.base_url(service_config.POLYHAVEN) == "http://mirror.example/ph"
    assert service_config.base_url(service_config.HYPER3D_FAL_AI) == "https://queue.fal.run"


def test_the_environment_wins_over_the_preference(use_settings, no_service_env, monkeypatch):
    use_settings(sketchfab_api_url="http://from-preference")
    monkeypatch.setenv("BLENDER_MCP_SKETCHFAB_API", "http://from-env/")
    assert service_config.base_url(service_config.SKETCHFAB) == "http://from-env"
    monkeypatch.setenv("BLENDER_MCP_SKETCHFAB_API", "")
    assert service_config.base_url(service_config.SKETCHFAB) == "http://from-preference"
