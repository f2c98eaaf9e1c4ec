"""register_commands adds the 12 contract 9.12 integration commands to the real Executor, with
their gates evaluated at dispatch time."""
from __future__ import annotations

from blender_mcp import integrations
from blender_mcp.executor import Executor

POLYHAVEN_GATED = ["get_polyhaven_categories", "search_polyhaven_assets", "download_polyhaven_asset",
                   "set_texture"]
HYPER3D_GATED = ["create_rodin_job", "poll_rodin_job_status", "import_generated_asset"]
SKETCHFAB_GATED = ["search_sketchfab_models", "download_sketchfab_model"]
STATUS = ["get_polyhaven_status", "get_hyper3d_status", "get_sketchfab_status"]


def registered_executor() -> Executor:
    executor = Executor()
    integrations.register_commands(executor)
    return executor


def test_registers_exactly_the_twelve_integration_commands():
    assert registered_executor().names() == sorted(POLYHAVEN_GATED + HYPER3D_GATED + SKETCHFAB_GATED + STATUS)


def test_gated_commands_are_unknown_while_their_toggle_is_off(use_settings):
    use_settings(use_polyhaven=False, use_hyper3d=False, use_sketchfab=False)
    executor = registered_executor()
    for name in POLYHAVEN_GATED + HYPER3D_GATED + SKETCHFAB_GATED:
        assert executor.execute_command({"type": name, "params": {}}) == {
            "status": "error", "message": f"Unknown command type: {name}"}


def test_status_commands_have_no_gate(use_settings):
    use_settings(use_polyhaven=False, use_hyper3d=False, use_sketchfab=False)
    executor = registered_executor()
    for name in STATUS:
        reply = executor.execute_command({"type": name})
        assert reply["status"] == "success"
        assert reply["result"]["enabled"] is False
        assert "enable" in reply["result"]["message"].lower()


def test_each_toggle_opens_only_its_own_commands_at_call_time(use_settings, services):
    executor = registered_executor()
    use_settings(use_polyhaven=True)
    assert executor.execute_command({"type": "get_polyhaven_categories",
                                     "params": {"asset_type": "hdris"}})["status"] == "success"
    assert executor.execute_command({"type": "create_rodin_job", "params": {}})["message"] == \
        "Unknown command type: create_rodin_job"
    use_settings(use_polyhaven=False, use_hyper3d=True, hyper3d_api_key="")
    assert executor.execute_command({"type": "get_polyhaven_categories",
                                     "params": {"asset_type": "hdris"}})["status"] == "error"
    assert executor.execute_command({"type": "create_rodin_job", "params": {}}) == {
        "status": "success", "result": {"error": "Hyper3D API key not set"}}


def test_executor_attribute_access_bypasses_the_gate(use_settings, services):
    use_settings(use_polyhaven=False)
    result = registered_executor().get_polyhaven_categories(asset_type="hdris")
    assert result["categories"]["all"] > 0


def test_the_free_trial_key_is_exported_for_the_preferences_operator():
    assert isinstance(integrations.RODIN_FREE_TRIAL_KEY, str) and len(integrations.RODIN_FREE_TRIAL_KEY) > 20
