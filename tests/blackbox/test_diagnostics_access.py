"""Who may make the diagnostics ("host") tools act on the server's machine, and what they reveal
(contract §5.3 as hardened): over HTTP each of the five needs the role admin; they run only the
Blender the server discovered or an operator configured, never a program named by a tool
argument; and no result carries another process's command-line arguments. The stdio build (a
person's own machine) keeps accepting any blender_path."""
from __future__ import annotations

import json
import time
from pathlib import Path
from typing import Iterator

import pytest

from blackbox.diagnostics_machine import (FAKE_BLENDER, HOST_TOOLS, Machine, blender_named_processes, forbidden,
                                          result_of, write_addon, write_executable)
from blackbox.stdio_process import StdioProcess

PATH_TOOLS = ["blender_check_addon_installed", "blender_install_addon"]
SECRET_PASSWORD = "pw-7f3c1e-do-not-leak"
SECRET_TOKEN = "tok-91b2d4-do-not-leak"


def probe_script(directory: Path) -> tuple[Path, Path]:
    """An executable that would leave a marker file behind (and answer like Blender) if it ran."""
    marker = directory / "probe-ran"
    script = write_executable(directory / "probe" / "blender",
                              f"#!/bin/sh\n: > '{marker}'\necho 'Blender 3.4.1'\n")
    return script, marker


@pytest.fixture(scope="module")
def machine(tmp_path_factory) -> Iterator[Machine]:
    """A stand-in blender on PATH (the discovered one) and an add-on source to install from."""
    root = tmp_path_factory.mktemp("diag-access")
    write_executable(root / "bin" / "blender", FAKE_BLENDER.format(log=root / "calls.log"))
    write_addon(root / "addon-src", "access")
    server_machine = Machine(root, {"PATH": str(root / "bin"),
                                    "BLENDER_MCP_ADDON_DIR": str(root / "addon-src" / "blender_mcp")})
    yield server_machine
    server_machine.close()


# the admin role ----------------------------------------------------------------------------------


@pytest.mark.parametrize("tool", HOST_TOOLS)
def test_a_user_without_the_admin_role_gets_forbidden_from_each_host_tool(machine, tool):
    demo = machine.session("demo", "demo")
    assert result_of(demo, tool) == forbidden(tool)


@pytest.mark.parametrize("tool", PATH_TOOLS)
def test_a_non_admins_blender_path_is_not_run_either(machine, tool, tmp_path):
    script, marker = probe_script(tmp_path)
    demo = machine.session("demo", "demo")
    assert result_of(demo, tool, {"blender_path": str(script)}) == forbidden(tool)
    assert not marker.exists()


# which Blender runs ------------------------------------------------------------------------------


@pytest.mark.parametrize("tool", PATH_TOOLS)
def test_an_admins_blender_path_to_another_program_is_refused_and_never_run(machine, tool, tmp_path):
    script, marker = probe_script(tmp_path)
    result = result_of(machine.session(), tool, {"blender_path": str(script)})
    # The answer comes after any check has run, so the marker would be there by now.
    assert not marker.exists(), f"the program named by blender_path ran: {result}"
    assert not machine.addons().exists()
    assert set(result) == {"status", "error", "detail"}, result
    assert (result["status"], result["error"]) == ("error", "blender_path_not_allowed")
    assert str(machine.root / "bin" / "blender") in result["detail"], "names the Blender it would run"
    assert "Nothing was run." in result["detail"]


@pytest.mark.parametrize("tool", PATH_TOOLS)
def test_the_refusal_is_the_same_whether_or_not_the_path_exists(machine, tool, tmp_path):
    """The answer reveals nothing about the server's filesystem."""
    admin = machine.session()
    script, _ = probe_script(tmp_path)
    answers = {json.dumps(result_of(admin, tool, {"blender_path": path}), sort_keys=True)
               for path in (str(script), str(tmp_path / "missing" / "blender"), "/bin/sh", str(tmp_path),
                            str(machine.home))}
    assert len(answers) == 1, answers


def test_the_discovered_blender_itself_and_null_are_accepted(machine):
    admin = machine.session()
    discovered = str(machine.root / "bin" / "blender")
    for arguments in ({}, {"blender_path": None}, {"blender_path": discovered}):
        result = result_of(admin, "blender_check_addon_installed", arguments)
        assert (result["status"], result["blender_path"]) == ("ok", discovered), result


def test_the_parameter_stays_in_the_schema(machine):
    tools = {t["name"]: t for t in machine.session().result("tools/list")["tools"]}
    for tool in PATH_TOOLS:
        assert tools[tool]["inputSchema"]["properties"]["blender_path"]["type"] == ["string", "null"]


# command lines -----------------------------------------------------------------------------------


def listed_pids(result: dict, key: str) -> set[int]:
    found = result["running"] if key == "running" else result["diagnosis"]["running_instances"]
    return {p["pid"] for p in found}


def test_no_result_carries_the_arguments_of_a_blender_process(machine, tmp_path):
    """A headless worker started with --password/--token: its secrets reach no caller."""
    arguments = [["-b", "--password", SECRET_PASSWORD, f"--token={SECRET_TOKEN}"]]
    with blender_named_processes(tmp_path, *arguments) as (worker,):
        admin = machine.session()
        demo = machine.session("demo", "demo")
        deadline = time.monotonic() + 10
        while worker.pid not in listed_pids(result_of(admin, "blender_list_running_blender"), "running"):
            assert time.monotonic() < deadline, "the fake Blender was never listed"
            time.sleep(0.05)
        for session in (admin, demo):
            for tool in ("blender_list_running_blender", "blender_check_status"):
                raw = session.call("tools/call", {"name": tool, "arguments": {}}).text
                assert SECRET_PASSWORD not in raw and SECRET_TOKEN not in raw, (tool, raw)
        status = result_of(admin, "blender_check_status")
        assert worker.pid in listed_pids(status, "running_instances")
        [entry] = [p for p in status["diagnosis"]["running_instances"] if p["pid"] == worker.pid]
        assert entry["is_gui"] is False
        assert "--password" not in entry["command"] and "-b" not in entry["command"].split()


# the stdio build ---------------------------------------------------------------------------------


def test_the_stdio_build_still_runs_a_given_blender_path_and_shows_no_arguments_either(tmp_path):
    script, marker = probe_script(tmp_path)
    home = tmp_path / "home"
    home.mkdir()
    process = StdioProcess(env={"HOME": str(home), "PATH": str(tmp_path / "empty-bin")})
    try:
        process.initialize()
        result = process.tool("blender_check_addon_installed", {"blender_path": str(script)})
        assert (result["status"], result["blender_path"]) == ("ok", str(script)), result
        assert marker.exists()
        missing = process.tool("blender_check_addon_installed", {"blender_path": str(tmp_path / "nope")})
        assert missing["error"] == "blender_not_found", missing
        with blender_named_processes(tmp_path, ["-b", "--password", SECRET_PASSWORD]) as (worker,):
            deadline = time.monotonic() + 10
            while True:
                listed = process.tool("blender_list_running_blender")
                if worker.pid in listed_pids(listed, "running") or time.monotonic() > deadline:
                    break
                time.sleep(0.05)
            assert worker.pid in listed_pids(listed, "running"), listed
            assert SECRET_PASSWORD not in json.dumps(listed)
    finally:
        process.stop()
