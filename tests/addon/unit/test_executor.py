"""The command registry (contract 9.11): parameter filtering, gates at call time, errors."""
from __future__ import annotations

import pytest

from .. import paths  # noqa: F401
from blender_mcp import settings
from blender_mcp.executor import Executor


@pytest.fixture
def switches():
    current = settings.Settings()
    settings.use(current)
    yield current
    settings.use(None)


def make_executor() -> Executor:
    executor = Executor()
    executor.register("greet", lambda name, greeting="hello": f"{greeting} {name}")
    executor.register("gated", lambda: "open", gate=lambda s: bool(s.use_polyhaven))
    executor.register("explode", lambda: 1 / 0)
    return executor


def test_unknown_keys_are_dropped_and_null_values_fall_back_to_defaults():
    result = make_executor().execute_command(
        {"type": "greet", "params": {"name": "Cube", "greeting": None, "extra": 1}})
    assert result == {"status": "success", "result": "hello Cube"}


def test_an_unknown_command_is_reported_by_name():
    assert make_executor().execute_command({"type": "nope", "params": {}}) == \
        {"status": "error", "message": "Unknown command type: nope"}


def test_a_gate_is_checked_at_call_time(switches):
    executor = make_executor()
    assert executor.execute_command({"type": "gated"}) == {"status": "error",
                                                           "message": "Unknown command type: gated"}
    switches.use_polyhaven = True
    assert executor.execute_command({"type": "gated"}) == {"status": "success", "result": "open"}


def test_a_raising_handler_becomes_an_error_status_with_its_message():
    assert make_executor().execute_command({"type": "explode"}) == {"status": "error",
                                                                    "message": "division by zero"}


def test_a_missing_required_parameter_is_an_error_not_a_crash():
    result = make_executor().execute_command({"type": "greet", "params": {}})
    assert result["status"] == "error" and "name" in result["message"]


def test_attribute_access_calls_the_handler_without_its_gate(switches):
    executor = make_executor()
    assert executor.gated() == "open"
    assert executor.greet(name="A", greeting="hi") == "hi A"
    with pytest.raises(AttributeError):
        executor.missing


def test_a_later_registration_replaces_the_earlier_one():
    executor = make_executor()
    executor.register("greet", lambda name: f"bye {name}")
    assert executor.execute_command({"type": "greet", "params": {"name": "X"}})["result"] == "bye X"


def test_params_that_are_not_an_object_are_refused():
    result = make_executor().execute_command({"type": "greet", "params": ["x"]})
    assert result["status"] == "error" and "params" in result["message"]
