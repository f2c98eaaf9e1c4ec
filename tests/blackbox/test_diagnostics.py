"""Contract §5.3: the five diagnostics tools, against the real binary with BLENDER_MCP_BLENDER_PATH,
PATH, HOME and BLENDER_MCP_ADDON_DIR pointed at temporary directories: a stand-in `blender` script,
and the real Debian Blender (/usr/bin/blender) where it is installed. Over HTTP every one of them
needs the role admin, so these tests call them as `admin` (test_diagnostics_access.py covers who
may call them and which Blender they may run)."""
from __future__ import annotations

import os
import shutil
import subprocess
import time
from pathlib import Path
from typing import Iterator

import pytest

from blackbox.diagnostics_machine import (FAKE_BLENDER, Machine, blender_named_processes, forbidden,
                                          result_of, write_addon, write_executable)

REAL_BLENDER = Path("/usr/bin/blender")
INSTALL_HINT = "Install Blender 3.0+ from https://www.blender.org/download/"
INSTALL_FIRST_HINT = "Install Blender 3.0+ first (https://www.blender.org/download/), then re-run install_addon."
SYSTEM_BLENDER = REAL_BLENDER.exists() or Path("/usr/local/bin/blender").exists()


@pytest.fixture(scope="module")
def fake(tmp_path_factory) -> Iterator[Machine]:
    """PATH holds only a stand-in blender; the add-on source is a temporary package."""
    root = tmp_path_factory.mktemp("diag-fake")
    write_executable(root / "bin" / "blender", FAKE_BLENDER.format(log=root / "calls.log"))
    write_addon(root / "addon-src", "fake-source")
    machine = Machine(root, {"PATH": str(root / "bin"),
                             "BLENDER_MCP_ADDON_DIR": str(root / "addon-src" / "blender_mcp")})
    yield machine
    machine.close()


@pytest.fixture
def clean_fake(fake: Machine) -> Machine:
    """The fake machine with no add-on installed and the enabled flag off."""
    shutil.rmtree(fake.home / ".config", ignore_errors=True)
    (fake.home / "addon-enabled").unlink(missing_ok=True)
    (fake.root / "calls.log").unlink(missing_ok=True)
    return fake


def test_find_blender_reports_the_blender_on_path(clean_fake):
    assert result_of(clean_fake.session(), "blender_find_blender") == {
        "status": "ok", "found": True, "path": str(clean_fake.root / "bin" / "blender")}


def test_the_configured_blender_path_wins_over_path(tmp_path):
    write_executable(tmp_path / "bin" / "blender", FAKE_BLENDER.format(log=tmp_path / "a.log"))
    chosen = write_executable(tmp_path / "custom" / "my-blender", FAKE_BLENDER.format(log=tmp_path / "b.log"))
    machine = Machine(tmp_path, {"PATH": str(tmp_path / "bin"), "BLENDER_MCP_BLENDER_PATH": str(chosen)})
    try:
        session = machine.session()
        assert result_of(session, "blender_find_blender")["path"] == str(chosen)
        assert result_of(session, "blender_check_status")["diagnosis"]["blender_path"] == str(chosen)
    finally:
        machine.close()


def test_a_missing_configured_path_falls_through_to_path(tmp_path):
    found = write_executable(tmp_path / "bin" / "blender", FAKE_BLENDER.format(log=tmp_path / "a.log"))
    machine = Machine(tmp_path, {"PATH": str(tmp_path / "bin"),
                                 "BLENDER_MCP_BLENDER_PATH": str(tmp_path / "nowhere" / "blender")})
    try:
        assert result_of(machine.session(), "blender_find_blender")["path"] == str(found)
    finally:
        machine.close()


def test_check_status_without_the_addon_says_to_install_it(clean_fake):
    result = result_of(clean_fake.session(), "blender_check_status")
    assert result["status"] == "ok"
    diagnosis = result["diagnosis"]
    assert diagnosis["blender_installed"] is True
    assert diagnosis["blender_path"] == str(clean_fake.root / "bin" / "blender")
    assert diagnosis["blender_version"] == "3.4.1"
    assert diagnosis["addon_installed"] is False
    assert diagnosis["addon_enabled"] is False
    assert isinstance(diagnosis["running_instances"], list)
    assert "blender_install_addon" in result["instructions"]


def test_check_addon_installed_names_the_versions_addon_directory(clean_fake):
    result = result_of(clean_fake.session(), "blender_check_addon_installed")
    assert result["status"] == "ok" and result["installed"] is False
    assert result["blender_path"] == str(clean_fake.root / "bin" / "blender")
    assert str(clean_fake.addons() / "blender_mcp" / "__init__.py") in result["detail"]


def test_check_addon_installed_with_a_path_other_than_the_discovered_blender_is_refused(clean_fake):
    # This once answered blender_not_found after probing the path; over HTTP a blender_path is no
    # longer looked at unless it is the discovered executable (blender_not_found is now only the
    # answer when discovery finds nothing; the stdio build still checks any path it is given).
    result = result_of(clean_fake.session(), "blender_check_addon_installed",
                       {"blender_path": str(clean_fake.root / "no-such-blender")})
    assert (result["status"], result["error"]) == ("error", "blender_path_not_allowed"), result


def test_install_addon_needs_the_admin_role(clean_fake):
    assert result_of(clean_fake.session("demo", "demo"), "blender_install_addon") == \
        forbidden("blender_install_addon")
    assert not clean_fake.addons().exists()


def test_an_admin_installs_the_addon_then_it_is_installed_and_enabled_is_asked(clean_fake):
    admin = clean_fake.session()
    result = result_of(admin, "blender_install_addon")
    assert result == {"status": "ok", "installed": True,
                      "blender_path": str(clean_fake.root / "bin" / "blender"),
                      "detail": f"Installed to {clean_fake.home}/.config/blender/3.4/scripts/addons/"}
    installed = clean_fake.addons() / "blender_mcp"
    assert 'MARKER = "fake-source"' in (installed / "__init__.py").read_text()
    assert (installed / "helper.py").exists()

    assert result_of(admin, "blender_check_addon_installed")["installed"] is True
    status = result_of(admin, "blender_check_status")
    assert status["diagnosis"]["addon_installed"] is True
    assert status["diagnosis"]["addon_enabled"] is False
    assert "Edit › Preferences › Add-ons" in status["instructions"]
    (clean_fake.home / "addon-enabled").write_text("yes")
    status = result_of(admin, "blender_check_status")
    assert status["diagnosis"]["addon_enabled"] is True
    assert "Login then Connect" in status["instructions"]

    # Blender was asked in background mode, with the user's preferences (no factory settings).
    calls = (clean_fake.root / "calls.log").read_text().splitlines()
    background = [line for line in calls if line.startswith("-b ")]
    assert background and all(line.startswith("-b --python-expr ") for line in background)
    assert not any("--factory-startup" in line for line in calls)


def test_a_user_given_the_admin_role_may_install_and_an_older_copy_is_replaced(clean_fake):
    stale = clean_fake.addons() / "blender_mcp"
    stale.mkdir(parents=True)
    (stale / "__init__.py").write_text("OLD = True\n")
    (stale / "obsolete.py").write_text("pass\n")
    result = result_of(clean_fake.session("operator", "operator-password"), "blender_install_addon",
                       {"blender_path": str(clean_fake.root / "bin" / "blender")})
    assert result["status"] == "ok" and result["installed"] is True
    assert "OLD" not in (stale / "__init__.py").read_text()
    assert not (stale / "obsolete.py").exists()


def test_install_with_a_path_other_than_the_discovered_blender_is_refused(clean_fake):
    # This once answered blender_not_found after probing the path; see
    # test_install_without_any_blender_is_blender_not_found for that answer now.
    result = result_of(clean_fake.session(), "blender_install_addon", {"blender_path": str(clean_fake.root / "nope")})
    assert (result["status"], result["error"]) == ("error", "blender_path_not_allowed"), result
    assert not clean_fake.addons().exists()


def test_install_without_any_blender_is_blender_not_found(tmp_path):
    if SYSTEM_BLENDER:
        pytest.skip("a system-wide Blender is found through the fixed OS locations")
    machine = Machine(tmp_path, {"PATH": str(tmp_path / "bin")})
    try:
        result = result_of(machine.session(), "blender_install_addon")
        assert result == {"status": "error", "error": "blender_not_found", "hint": INSTALL_FIRST_HINT}
    finally:
        machine.close()


def test_install_from_a_directory_without_a_package_is_install_failed(tmp_path):
    write_executable(tmp_path / "bin" / "blender", FAKE_BLENDER.format(log=tmp_path / "a.log"))
    (tmp_path / "empty").mkdir()
    machine = Machine(tmp_path, {"PATH": str(tmp_path / "bin"), "BLENDER_MCP_ADDON_DIR": str(tmp_path / "empty")})
    try:
        result = result_of(machine.session(), "blender_install_addon")
        assert result["status"] == "error" and result["error"] == "install_failed"
        assert str(tmp_path / "empty") in result["detail"]
        assert not machine.addons().exists()
    finally:
        machine.close()


def test_without_blender_check_status_says_to_install_blender_and_find_lists_the_search(tmp_path):
    if SYSTEM_BLENDER:
        pytest.skip("a system-wide Blender is found through the fixed OS locations")
    machine = Machine(tmp_path, {"PATH": str(tmp_path / "bin")})
    try:
        session = machine.session()
        found = result_of(session, "blender_find_blender")
        assert found["found"] is False and found["hint"] == INSTALL_HINT
        assert found["searched"][:2] == [str(tmp_path / "bin" / "blender"), "/usr/bin/blender"]
        status = result_of(session, "blender_check_status")
        assert status["diagnosis"]["blender_installed"] is False
        assert status["diagnosis"]["blender_path"] is None
        assert "Install Blender" in status["instructions"]
    finally:
        machine.close()


def test_running_blender_processes_are_listed_with_their_mode_and_executable(clean_fake, tmp_path):
    started = time.time()
    with blender_named_processes(tmp_path, [], ["-b"]) as (gui, background):
        session = clean_fake.session()
        deadline = time.monotonic() + 10
        while True:
            result = result_of(session, "blender_list_running_blender")
            mine = {p["pid"]: p for p in result["running"] if p["pid"] in (gui.pid, background.pid)}
            if len(mine) == 2 or time.monotonic() > deadline:
                break
            time.sleep(0.05)
        assert set(mine) == {gui.pid, background.pid}, result
        assert mine[gui.pid]["is_gui"] is True
        assert mine[background.pid]["is_gui"] is False
        # The program file (the server may read the exe link of its own user's processes), never
        # the arguments: `command` once held the whole command line and now repeats the executable.
        shell = os.path.realpath("/bin/sh")
        assert set(mine[background.pid]) == {"pid", "executable", "is_gui", "command", "started_at"}
        assert mine[background.pid]["executable"] == shell
        assert mine[background.pid]["command"] == shell
        assert abs(mine[gui.pid]["started_at"] - started) < 5
        assert isinstance(mine[gui.pid]["started_at"], float)
        assert result["count"] == len(result["running"])
        assert result["gui_count"] == sum(1 for p in result["running"] if p["is_gui"])
        status = result_of(session, "blender_check_status")
        assert {gui.pid, background.pid} <= {p["pid"] for p in status["diagnosis"]["running_instances"]}


# The real Blender ---------------------------------------------------------------------------------

needs_real_blender = pytest.mark.skipif(not REAL_BLENDER.exists(), reason="/usr/bin/blender is not installed")


@pytest.fixture(scope="module")
def real(tmp_path_factory) -> Iterator[Machine]:
    """No blender on PATH: discovery reaches /usr/bin/blender; HOME is a fresh directory."""
    root = tmp_path_factory.mktemp("diag-real")
    write_addon(root / "addon-src", "real-source")
    machine = Machine(root, {"PATH": str(root / "empty-bin"), "BLENDER_MCP_ADDON_DIR": str(root / "addon-src")})
    yield machine
    machine.close()


def real_version() -> str:
    first = subprocess.run([str(REAL_BLENDER), "--version"], capture_output=True, text=True,
                           timeout=60).stdout.splitlines()[0]
    return first.split()[1]


@needs_real_blender
@pytest.mark.timeout(240)
def test_the_real_blender_is_found_installed_into_and_asked_whether_the_addon_is_enabled(real):
    version = real_version()
    series = ".".join(version.split(".")[:2])
    admin = real.session()
    status = result_of(admin, "blender_check_status")
    assert status["diagnosis"]["blender_path"] == str(REAL_BLENDER)
    assert status["diagnosis"]["blender_version"] == version
    assert status["diagnosis"]["addon_installed"] is False

    installed = result_of(admin, "blender_install_addon")
    assert installed["detail"] == f"Installed to {real.home}/.config/blender/{series}/scripts/addons/"
    assert (real.addons(series) / "blender_mcp" / "__init__.py").exists()

    # Installed but never enabled: Blender itself says so.
    status = result_of(admin, "blender_check_status")
    assert status["diagnosis"]["addon_installed"] is True
    assert status["diagnosis"]["addon_enabled"] is False

    # Enable it in the user's preferences with Blender, then ask again.
    enable = ("import addon_utils, bpy; addon_utils.enable('blender_mcp', default_set=True); "
              "bpy.ops.wm.save_userpref()")
    done = subprocess.run([str(REAL_BLENDER), "-b", "--python-exit-code", "1", "--python-expr", enable],
                          env={**os.environ, "HOME": str(real.home)}, capture_output=True, text=True,
                          timeout=120)
    assert done.returncode == 0, done.stdout + done.stderr
    status = result_of(admin, "blender_check_status")
    assert status["diagnosis"]["addon_enabled"] is True
