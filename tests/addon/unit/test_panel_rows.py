"""The panel's text from the add-on's state (ui/panel_rows.py), outside Blender: one wording per
connection state, the account and its token expiry, the jobs, the last error, and wrapping that
keeps every character of long texts (the client uuid) within the width."""
from __future__ import annotations

import time

from .. import paths  # noqa: F401
from blender_mcp.job_history import FinishedJob, JobHistory, describe
from blender_mcp.net.link_state import CONNECTED, CONNECTING, NOT_CONNECTED, RECONNECTING, LinkState
from blender_mcp.records import Job
from blender_mcp.ui import panel_rows
from blender_mcp.ui.panel_rows import PanelState, Row

UUID = "blender-5d797e6c-8f75-4be5-ac92-9461a1339537"
NOW = 1000.0
WALL = time.mktime((2026, 12, 7, 10, 0, 0, 0, 0, -1))


def state(**changes) -> PanelState:
    values = dict(logged_in=True, username="demo", token_expires_at=WALL + 1800, link=LinkState(CONNECTED),
                  client_uuid=UUID, now=NOW, wall_now=WALL)
    values.update(changes)
    return PanelState(**values)


def texts(rows: list[Row]) -> list[str]:
    return [row.text for row in rows]


def test_each_connection_state_has_one_wording():
    line = panel_rows.connection_line
    assert line(None, NOW) == Row("Not connected", "UNLINKED")
    assert line(LinkState(NOT_CONNECTED), NOW).text == "Not connected"
    assert line(LinkState(CONNECTED), NOW) == Row("Connected", "LINKED")
    assert line(LinkState(CONNECTING), NOW).text == "Connecting…"
    assert line(LinkState(RECONNECTING, NOW + 3.4), NOW).text == "Reconnecting in 4 s"
    assert line(LinkState(RECONNECTING, None), NOW).text == "Reconnecting now"
    assert line(LinkState(RECONNECTING, NOW - 1), NOW).text == "Reconnecting now"


def test_why_is_shown_while_not_connected_only():
    reconnecting = panel_rows.status_rows(state(link=LinkState(RECONNECTING, NOW + 2, "event stream lost: reset")))
    assert texts(reconnecting["connection"]) == ["Reconnecting in 2 s", "Why: event stream lost: reset"]
    assert texts(panel_rows.status_rows(state(link=LinkState(CONNECTED, None, "old")))["connection"]) == ["Connected"]


def test_the_account_says_who_is_logged_in_and_until_when():
    rows = panel_rows.status_rows(state())["account"]
    assert texts(rows) == ["Logged in as demo", "Token valid until 10:30"]
    later = panel_rows.status_rows(state(token_expires_at=WALL + 86400 * 2))["account"]
    assert later[1].text == "Token valid until 2026-12-09 10:00"
    expired = panel_rows.status_rows(state(token_expires_at=WALL - 60))["account"]
    assert expired[1].text == "Token expired 2026-12-07 09:59; Connect renews it"
    assert texts(panel_rows.status_rows(state(logged_in=False))["account"]) == ["Not logged in"]


def test_jobs_show_what_how_when_and_for_whom_newest_first():
    history = JobHistory(keep=2)
    for number, (kind, what) in enumerate([("command", "get_scene_info"), ("script", "\n  import bpy\nx = 1"),
                                           ("command", "render")]):
        job = Job(kind, f"job-{number}", 6, from_uuid="server-dispatch:demo" if number else "blender-cli",
                  command=what if kind == "command" else "", script=what if kind == "script" else "")
        history.add(job, "completed" if number < 2 else "failed", 0.25, ended_at=WALL + number)
    jobs = history.latest()
    assert [job.what for job in jobs] == ["render", "script: import bpy"]  # the oldest fell out
    assert history.count == 3
    history.add(Job("command", "job-x", 6, command="render"), "cancelled", 0.0, ran=False)
    assert history.count == 3 and history.latest()[0].status == "cancelled"  # listed, but it never ran
    jobs = jobs[:2]
    rows = panel_rows.status_rows(state(jobs=jobs, jobs_run=3, queued=1))["jobs"]
    assert texts(rows) == ["Jobs run: 3, queued: 1",
                           "render", "failed at 10:00:02, 0.25 s", "from demo (dispatch tool)",
                           "script: import bpy", "completed at 10:00:01, 0.25 s", "from demo (dispatch tool)"]
    assert [rows[1].icon, rows[4].icon] == ["ERROR", "CHECKMARK"]
    assert texts(panel_rows.status_rows(state())["jobs"]) == ["Jobs run: 0, queued: 0", "No jobs yet"]
    assert panel_rows.job_rows(FinishedJob("j", "x", "cancelled", WALL, 0, "blender-cli"))[2].text == \
        "from blender-cli"
    assert describe("script", "", "x = '" + "a" * 100 + "'").endswith("…")


def test_the_last_error_is_shown_whole_or_not_at_all():
    assert panel_rows.status_rows(state())["error"] == []
    assert texts(panel_rows.status_rows(state(error="Login failed: Invalid credentials"))["error"]) == \
        ["Last error: Login failed: Invalid credentials"]


def test_the_signature_changes_exactly_when_the_text_changes():
    signature = panel_rows.signature
    assert signature(panel_rows.status_rows(state())) == signature(panel_rows.status_rows(state(now=NOW + 5)))
    reconnecting = state(link=LinkState(RECONNECTING, NOW + 10))
    assert signature(panel_rows.status_rows(reconnecting)) != \
        signature(panel_rows.status_rows(state(link=LinkState(RECONNECTING, NOW + 10), now=NOW + 1)))


def test_wrapping_keeps_every_character_within_the_width():
    measure = panel_rows.estimated_width
    lines = panel_rows.wrap(UUID, 160, measure)
    assert len(lines) == 2 and "".join(lines) == UUID and all(measure(line) <= 160 for line in lines)
    text = "Last error: Cannot reach http://127.0.0.1:9/health: [Errno 111] Connection refused"
    lines = panel_rows.wrap(text, 120, measure)  # the URL alone is wider: it is broken inside
    assert "".join(lines).replace(" ", "") == text.replace(" ", "") and all(measure(line) <= 120 for line in lines)
    assert lines[:3] == ["Last error:", "Cannot reach", "http://127.0.0.1:"]
    words = "Login failed: Invalid credentials for this user"
    lines = panel_rows.wrap(words, 120, measure)
    assert lines == ["Login failed:", "Invalid", "credentials for", "this user"]
    assert " ".join(lines) == words and all(measure(line) <= 120 for line in lines)
    assert panel_rows.wrap("short", 150, measure) == ["short"]
    assert panel_rows.wrap("anything", 0, measure) == ["anything"]  # no width known: one row


def test_wrapped_rows_keep_the_icon_on_the_first_line_and_indent_the_rest():
    rows = panel_rows.wrapped([Row("a b c d e f", "ERROR"), Row("g h i j k l")], 4 * 7 + 20, icon_width=20)
    assert [(row.text, row.icon) for row in rows] == [
        ("a b", "ERROR"), ("c d", "BLANK1"), ("e f", "BLANK1"), ("g h i", "NONE"), ("j k l", "NONE")]
