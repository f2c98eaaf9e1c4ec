"""The web console's HTTP API (docs/console.md): the page and its headers, sign-in with the server's
accounts and login limits, the session cookie, CSRF on every POST, sign-out, the admin API's
authorization, and every endpoint's bad input answered with a clear error and no change."""
from __future__ import annotations

import json
import threading
from typing import Callable, Iterator

import pytest

from blackbox.bus_helpers import bus_for, decoded, job_update_ok  # noqa: F401
from blackbox.console_client import API, COOKIE, Console, set_cookie_attributes, signed_in
from blackbox.console_clients import check_queue_depths_and_reports
from blackbox.wire import Http
from support.server_process import ADMIN_PASSWORD, ServerProcess, start_server


@pytest.fixture
def console_of(http_for) -> Callable[[ServerProcess], Console]:
    return lambda srv: Console(http_for(srv))


@pytest.fixture
def admin(server: ServerProcess, http_for) -> Console:
    return signed_in(http_for(server), "admin", ADMIN_PASSWORD)


@pytest.fixture
def user_console(server: ServerProcess, new_user, http_for) -> Console:
    return signed_in(http_for(server), *new_user(server))


def detail(reply) -> str:
    return reply.json()["detail"]


def usernames(admin: Console) -> list[str]:
    reply = admin.get("/admin/users")
    assert reply.status == 200, reply
    return [user["username"] for user in reply.json()["users"]]


# --------------------------------------------------------------------------------------------------
# The page


def test_the_page_and_its_assets_come_with_a_strict_policy(http: Http) -> None:
    for path, kind in [("/console", "text/html"), ("/console/", "text/html"),
                       ("/console/console.js", "text/javascript"), ("/console/console.css", "text/css")]:
        reply = http.request("GET", path)
        assert reply.status == 200, (path, reply)
        assert reply.headers["content-type"].startswith(kind), (path, reply.headers)
        policy = reply.headers["content-security-policy"]
        assert "default-src 'self'" in policy and "script-src 'self'" in policy, policy
        assert "unsafe-inline" not in policy and "unsafe-eval" not in policy, policy
        assert reply.headers["x-content-type-options"] == "nosniff"
        assert reply.headers["x-frame-options"] == "DENY"
    page = http.request("GET", "/console").text
    assert "<script>" not in page and "onclick" not in page and " style=" not in page
    assert http.request("GET", "/console/nothing.js").status == 404


# --------------------------------------------------------------------------------------------------
# Sign-in, cookie, sign-out


def test_sign_in_sets_a_strict_http_only_cookie(server: ServerProcess, new_user, http_for) -> None:
    username, password = new_user(server)
    console = Console(http_for(server))
    reply = console.sign_in(username, password)
    assert reply.status == 200, reply
    body = reply.json()
    assert body["username"] == username and body["admin"] is False and body["roles"] == ["user"], body
    assert len(body["csrf_token"]) == 64, body
    cookie = set_cookie_attributes(reply)
    assert len(cookie[COOKIE]) == 64 and cookie[COOKIE] != body["csrf_token"], cookie
    assert cookie["Path"] == "/console" and cookie["SameSite"] == "Strict" and "HttpOnly" in cookie, cookie
    assert "Secure" not in cookie, cookie  # the public URL is http
    me = console.get("/me")
    assert me.status == 200 and me.json()["username"] == username and me.json()["csrf_token"] == console.csrf, me


def test_the_cookie_is_secure_when_the_public_url_is_https(spawn) -> None:
    srv = spawn("--public-url", "https://console.example.test")
    http = Http(srv.base_url)
    try:
        reply = Console(http).sign_in("demo", "demo")
        assert reply.status == 200, reply
        assert "Secure" in set_cookie_attributes(reply), reply.headers
    finally:
        http.close()


def test_sign_in_refuses_wrong_passwords_like_auth_login(server: ServerProcess, new_user, console_of) -> None:
    username, _ = new_user(server)
    reply = console_of(server).sign_in(username, "wrong")
    assert reply.status == 401 and detail(reply) == "Invalid credentials", reply
    assert "set-cookie" not in reply.headers
    assert console_of(server).sign_in("nobody-here", "x").status == 401


def test_sign_in_shares_the_login_rate_limit_of_auth_login(spawn, new_user) -> None:
    srv = spawn()
    username, password = new_user(srv)
    http = Http(srv.base_url)
    try:
        for _ in range(30):
            if http.login(username, "wrong").status == 429:
                break
        else:
            pytest.fail("POST /auth/login never rate limited")
        reply = Console(http).sign_in(username, password)  # the right password, but limited
        assert reply.status == 429 and detail(reply) == "Too many failed login attempts", reply
        assert int(reply.headers["retry-after"]) >= 1, reply.headers
    finally:
        http.close()


@pytest.mark.parametrize("content,content_type,expected", [
    (b'{"username":"demo","password":"demo"}', "text/plain", (415, "Content-Type must be application/json")),
    (b'["demo","demo"]', "application/json", (400, "the body must be a JSON object")),
    (b'{"username":"demo"', "application/json", (400, "the body must be a JSON object")),
    (b'{"username":"demo"}', "application/json", (400, "'password' is required")),
    (b'{"username":"","password":"demo"}', "application/json", (400, "'username' must be a non-empty string")),
    (b'{"username":"demo","password":7}', "application/json", (400, "'password' must be a non-empty string")),
    (b'{"username":"demo","password":"demo","remember":true}', "application/json",
     (400, "unknown field 'remember'")),
])
def test_sign_in_bad_input(server: ServerProcess, console_of, content, content_type, expected) -> None:
    console = console_of(server)
    reply = console.post("/login", raw=content, content_type=content_type, csrf="")
    assert (reply.status, detail(reply)) == expected, reply
    assert "set-cookie" not in reply.headers


def test_sign_out_ends_the_session(user_console: Console) -> None:
    reply = user_console.post("/logout")
    assert reply.status == 200, reply
    cookie = set_cookie_attributes(reply)
    assert cookie[COOKIE] == "" and cookie["Max-Age"] == "0", cookie
    assert user_console.get("/me").status == 401
    assert user_console.post("/logout").status == 401


def test_every_api_call_needs_a_session(server: ServerProcess, console_of) -> None:
    console = console_of(server)
    for path in ["/me", "/image?client=x", "/admin/users", "/admin/sessions", "/admin/status", "/events"]:
        reply = console.http.request("GET", API + path)
        assert reply.status == 401 and detail(reply) == "not signed in", (path, reply)
    console.cookie = "0" * 64
    for path in ["/logout", "/run", "/admin/users", "/admin/users/password", "/admin/users/roles",
                 "/admin/users/remove"]:
        reply = console.post(path, {}, csrf="x")
        assert reply.status == 401 and detail(reply) == "not signed in", (path, reply)


def test_a_post_without_the_csrf_token_is_refused_and_changes_nothing(admin: Console) -> None:
    before = usernames(admin)
    for csrf in ["", "0" * 64, admin.csrf[:-1]]:
        reply = admin.post("/admin/users", {"username": "csrf-victim", "password": "pw-123456"}, csrf=csrf)
        assert reply.status == 403 and detail(reply) == "the X-CSRF-Token header is missing or wrong", reply
        reply = admin.post("/logout", csrf=csrf)
        assert reply.status == 403, reply
    assert usernames(admin) == before
    assert admin.get("/me").status == 200  # still signed in


def test_a_user_removed_from_the_store_is_signed_out(server: ServerProcess, new_user, http_for) -> None:
    from blackbox.processes import remove_user
    username, password = new_user(server)
    console = signed_in(http_for(server), username, password)
    remove_user(server.store, username)
    reply = console.get("/me")
    assert reply.status == 401 and detail(reply) == "the account was removed; sign in again", reply


# --------------------------------------------------------------------------------------------------
# Admin API


def test_non_admins_get_403_from_every_admin_endpoint(user_console: Console, admin: Console) -> None:
    before = usernames(admin)
    for path in ["/admin/users", "/admin/sessions", "/admin/status"]:
        reply = user_console.get(path)
        assert reply.status == 403 and detail(reply) == "the admin pages need the role admin", (path, reply)
    for path, body in [("/admin/users", {"username": "by-non-admin", "password": "pw-123456"}),
                       ("/admin/users/password", {"username": "admin", "password": "taken-over"}),
                       ("/admin/users/roles", {"username": user_console.get("/me").json()["username"],
                                               "roles": ["admin"]}),
                       ("/admin/users/remove", {"username": "admin"})]:
        reply = user_console.post(path, body)
        assert reply.status == 403, (path, reply)
    assert usernames(admin) == before
    assert user_console.get("/me").json()["admin"] is False


def test_admin_adds_a_user_who_can_then_sign_in(server: ServerProcess, admin: Console, console_of) -> None:
    name = f"added-{id(admin)}"
    reply = admin.post("/admin/users", {"username": name, "password": "first-password", "roles": ["user"]})
    assert reply.status == 201, reply
    assert reply.json() == {"username": name, "roles": ["user"], "scopes": ["read", "write"]}
    assert console_of(server).sign_in(name, "first-password").status == 200
    assert admin.post("/admin/users", {"username": name, "password": "again"}).status == 409
    # Reset: the old password stops working, the user's console sessions end.
    own = signed_in(console_of(server).http, name, "first-password")
    reply = admin.post("/admin/users/password", {"username": name, "password": "second-password"})
    assert reply.status == 200 and reply.json()["console_sessions_signed_out"] == 2, reply
    assert own.get("/me").status == 401
    assert console_of(server).sign_in(name, "first-password").status == 401
    assert console_of(server).sign_in(name, "second-password").status == 200
    # Roles, then removal.
    reply = admin.post("/admin/users/roles", {"username": name, "roles": ["user", "admin"]})
    assert reply.status == 200 and reply.json()["scopes"] == ["*"], reply
    reply = admin.post("/admin/users/remove", {"username": name})
    assert reply.status == 200, reply
    assert name not in usernames(admin)
    assert console_of(server).sign_in(name, "second-password").status == 401


def test_admin_sessions_and_status(admin: Console, user_console: Console) -> None:
    sessions = admin.get("/admin/sessions")
    assert sessions.status == 200, sessions
    names = [s["username"] for s in sessions.json()["console"]]
    assert "admin" in names and user_console.get("/me").json()["username"] in names
    assert all(set(s) == {"username", "client_address", "created_at", "last_seen"} for s in sessions.json()["console"])
    status = admin.get("/admin/status")
    assert status.status == 200, status
    body = status.json()
    assert body["logins"].get("success", 0) >= 0 and isinstance(body["rate_limiter_keys"], int), body
    assert "blender_mcp_" in body["metrics"], body["metrics"][:200]
    assert body["nodes"][0]["node"] == "this node" and body["nodes"][0]["problem"] is None, body


BAD_ADMIN_INPUT = [
    ("/admin/users", {"password": "pw"}, 400, "'username' is required"),
    ("/admin/users", {"username": "bad name", "password": "pw"}, 400,
     "'username' must be 1 to 64 letters, digits, '.', '_' or '-', starting with a letter or digit"),
    ("/admin/users", {"username": "-dash", "password": "pw"}, 400,
     "'username' must be 1 to 64 letters, digits, '.', '_' or '-', starting with a letter or digit"),
    ("/admin/users", {"username": "okname"}, 400, "'password' is required"),
    ("/admin/users", {"username": "okname", "password": ""}, 400, "'password' must be a non-empty string"),
    ("/admin/users", {"username": "okname", "password": "x" * 1025}, 400, "'password' is longer than 1024 bytes"),
    ("/admin/users", {"username": "okname", "password": "pw", "roles": []}, 400,
     "'roles' must be an array of 1 to 16 role names"),
    ("/admin/users", {"username": "okname", "password": "pw", "roles": ["<script>"]}, 400,
     "'roles' items must be role names: letters, digits, _ and -, 1 to 32 characters"),
    ("/admin/users", {"username": "okname", "password": "pw", "roles": ["a", "a"]}, 400, "'roles' names 'a' twice"),
    ("/admin/users", {"username": "okname", "password": "pw", "scopes": ["*"]}, 400, "unknown field 'scopes'"),
    ("/admin/users", {"username": "admin", "password": "pw"}, 409, None),
    ("/admin/users/password", {"username": "okname"}, 400, "'password' is required"),
    ("/admin/users/password", {"username": "no-such-user", "password": "pw"}, 404, None),
    ("/admin/users/password", {"username": "admin", "password": "pw", "roles": ["x"]}, 400, "unknown field 'roles'"),
    ("/admin/users/roles", {"username": "admin"}, 400, "'roles' is required"),
    ("/admin/users/roles", {"username": "no-such-user", "roles": ["user"]}, 404, None),
    ("/admin/users/roles", {"username": "admin", "roles": "admin"}, 400,
     "'roles' must be an array of 1 to 16 role names"),
    ("/admin/users/roles", {"username": "admin", "roles": ["user"]}, 409,
     "'admin' is the last admin: the role admin stays"),
    ("/admin/users/remove", {}, 400, "'username' is required"),
    ("/admin/users/remove", {"username": "no-such-user"}, 404, None),
    ("/admin/users/remove", {"username": "admin"}, 409, None),
    ("/admin/users/remove", {"username": "admin", "force": True}, 400, "unknown field 'force'"),
]


@pytest.fixture(scope="module")
def lone_admin_server() -> Iterator[ServerProcess]:
    """A server whose only admin is `admin`, for the bad inputs (none of which may change it)."""
    srv = start_server()
    yield srv
    srv.stop()


@pytest.mark.parametrize("path,body,status,message", BAD_ADMIN_INPUT)
def test_admin_bad_input_is_refused_and_changes_nothing(lone_admin_server: ServerProcess, http_for, path, body,
                                                        status, message) -> None:
    admin = signed_in(http_for(lone_admin_server), "admin", ADMIN_PASSWORD)
    before = admin.get("/admin/users").json()
    reply = admin.post(path, body)
    assert reply.status == status, reply
    if message is not None:
        assert detail(reply) == message, reply
    else:
        assert detail(reply), reply
    assert admin.get("/admin/users").json() == before
    assert signed_in(http_for(lone_admin_server), "admin", ADMIN_PASSWORD)  # the admin's password still works


def test_admin_post_bodies_must_be_json_objects(admin: Console) -> None:
    for path in ["/admin/users", "/admin/users/password", "/admin/users/roles", "/admin/users/remove"]:
        assert admin.post(path, raw=b"username=x", content_type="application/x-www-form-urlencoded").status == 415
        reply = admin.post(path, raw=b"[]")
        assert reply.status == 400 and detail(reply) == "the body must be a JSON object", (path, reply)


# --------------------------------------------------------------------------------------------------
# Run box, images, events


@pytest.mark.parametrize("body,message", [
    ({}, "'tool' is required"),
    ({"tool": "blender_render"}, "'tool' must be blender_execute_code or blender_get_scene_info"),
    ({"tool": 3}, "'tool' must be a non-empty string"),
    ({"tool": "blender_execute_code"}, "'code' is required"),
    ({"tool": "blender_execute_code", "code": ""}, "'code' must be a non-empty string"),
    ({"tool": "blender_get_scene_info", "code": "print(1)"}, "'code' is only for blender_execute_code"),
    ({"tool": "blender_get_scene_info", "target_uuid": 5}, "'target_uuid' must be a non-empty string"),
    ({"tool": "blender_get_scene_info", "_timeout": 1}, "unknown field '_timeout'"),
])
def test_run_bad_input(user_console: Console, body, message) -> None:
    reply = user_console.post("/run", body)
    assert reply.status == 400 and detail(reply) == message, reply


def test_run_goes_through_the_dispatch_tool(user_console: Console) -> None:
    """With no Blender on the user's bus the tool answers as it does over MCP: the no_client envelope."""
    reply = user_console.post("/run", {"tool": "blender_get_scene_info"})
    assert reply.status == 200, reply
    envelope = decoded(reply.json()["response"]["result"])
    assert envelope["status"] == "no_client" and envelope["command"] == "get_scene_info", envelope
    assert envelope["hint"].startswith("No Blender client connected to your bus"), envelope


@pytest.mark.parametrize("query,status,message", [
    ({}, 400, "query parameter 'client' is required"),
    ({"client": "b1", "index": "x"}, 400, "query parameter 'index' must be a number from 0"),
    ({"client": "b1", "index": "-1"}, 400, "query parameter 'index' must be a number from 0"),
    ({"client": "b1"}, 404, "no image of that client and index"),
])
def test_image_bad_input(user_console: Console, query, status, message) -> None:
    reply = user_console.get("/image", params=query)
    assert reply.status == status and detail(reply) == message, reply


def test_the_event_stream_starts_with_a_snapshot(user_console: Console) -> None:
    stream = user_console.events()
    try:
        assert stream.status == 200, stream.raw
        assert stream.headers["content-type"].startswith("text/event-stream")
        assert stream.wait_for(lambda s: len(s.parser.events) >= 4, 5.0)
        names = [event.event for event in stream.parser.events[:4]]
        assert names == ["clients", "jobs", "tail", "images"], names
        assert json.loads(stream.parser.events[0].data) == {"persistent": [], "ephemeral": []}
    finally:
        stream.close()


def test_the_clients_page_shows_queue_depths_held_records_and_reported_versions(server: ServerProcess, new_user,
                                                                                bus_for, http_for) -> None:
    username, password = new_user(server)
    check_queue_depths_and_reports(signed_in(http_for(server), username, password),
                                   bus_for(server, username, password))


def test_run_dispatches_to_the_chosen_blender_and_the_job_shows_live(server: ServerProcess, new_user, bus_for,
                                                                   http_for) -> None:
    username, password = new_user(server)
    bus = bus_for(server, username, password)
    peer = bus.join("blender-run-1", "blender", is_persistent=True)
    console = signed_in(http_for(server), username, password)
    stream = console.events()
    answer: dict = {}
    try:
        runner = threading.Thread(target=lambda: answer.update(reply=console.post(
            "/run", {"tool": "blender_execute_code", "target_uuid": "blender-run-1", "code": "print(1)"})), daemon=True)
        runner.start()
        record = peer.wait_records(1)[0]
        assert record.data["payload"]["command"] == "execute_code", record.data
        assert record.data["payload"]["params"] == {"code": "print(1)"}, record.data
        job_id = record.data["job_id"]
        job_update_ok(peer.session, job_id, "completed", result="1\n")
        runner.join(10)
        reply = answer["reply"]
        assert reply.status == 200, reply
        envelope = decoded(reply.json()["response"]["result"])
        assert envelope == {"status": "completed", "command": "execute_code", "target_uuid": "blender-run-1",
                            "job_id": job_id, "result": "1\n", "error": ""}, envelope

        def job_events(s) -> list[dict]:
            return [json.loads(e.data)["job"] for e in s.parser.events if e.event == "job"]

        assert stream.wait_for(lambda s: any(j["job_id"] == job_id and j["status"] == "completed"
                                             for j in job_events(s)), 5.0), stream.parser.events
        done = [j for j in job_events(stream) if j["job_id"] == job_id][-1]
        assert done["kind"] == "dispatch" and done["command"] == "execute_code" and done["result"] == "1\n", done
        assert done["targets"] == ["blender-run-1"] and done["late"] is False, done
        # The console's MCP session is the user's own: one more MCP session of that user.
        admin = signed_in(http_for(server), "admin", ADMIN_PASSWORD)
        users = {u["username"]: u for u in admin.get("/admin/users").json()["users"]}
        assert users[username]["mcp_sessions"] >= 2 and users[username]["console_sessions"] == 1, users[username]
        admin.post("/logout")
    finally:
        stream.close()


def test_late_results_and_bus_jobs_show_on_the_event_stream(server: ServerProcess, new_user, bus_for,
                                                            http_for) -> None:
    username, password = new_user(server)
    bus = bus_for(server, username, password)
    peer = bus.join("blender-late-1", "blender", is_persistent=True)
    llm = bus.join("llm-late-1", "llm")
    console = signed_in(http_for(server), username, password)
    stream = console.events()

    def jobs(s) -> dict[str, dict]:
        latest: dict[str, dict] = {}
        for event in s.parser.events:
            if event.event == "job":
                job = json.loads(event.data)["job"]
                latest[job["job_id"]] = job
        return latest

    try:
        # A dispatch job that times out, then gets its reply: marked late.
        envelope = decoded(bus.observer.tool("blender_get_scene_info", {"_timeout": 0.3}))
        assert envelope["status"] == "timeout", envelope
        job_id = envelope["job_id"]
        assert stream.wait_for(lambda s: jobs(s).get(job_id, {}).get("status") == "timed_out", 5.0)
        job_update_ok(peer.session, job_id, "completed", result="{}")
        assert stream.wait_for(lambda s: jobs(s).get(job_id, {}).get("late") is True, 5.0), jobs(stream)
        assert jobs(stream)[job_id]["status"] == "completed"
        # A bus job: a tracked send from a client, answered by the recipient.
        sent = decoded(llm.session.tool("blender_send_message", {"payload": {"ask": 1}, "from_uuid": "llm-late-1",
                                                                "target_uuid": "blender-late-1"}))
        bus_job = sent["job_id"]
        assert stream.wait_for(lambda s: jobs(s).get(bus_job, {}).get("kind") == "bus", 5.0), jobs(stream)
        job_update_ok(peer.session, bus_job, "failed", error="no such thing")
        assert stream.wait_for(lambda s: jobs(s).get(bus_job, {}).get("status") == "failed", 5.0), jobs(stream)
        assert jobs(stream)[bus_job]["error"] == "no such thing" and jobs(stream)[bus_job]["late"] is False
    finally:
        stream.close()


def test_a_removed_users_open_pages_end(server: ServerProcess, new_user, http_for, admin: Console) -> None:
    """Removed through the console: its pages end at once. Removed with the CLI (another process): within
    the server's 5 s check."""
    from blackbox.processes import remove_user
    for through_console in (True, False):
        username, password = new_user(server)
        console = signed_in(http_for(server), username, password)
        stream = console.events()
        try:
            assert stream.wait_for(lambda s: len(s.parser.events) >= 4, 5.0)
            if through_console:
                assert admin.post("/admin/users/remove", {"username": username}).status == 200
            else:
                remove_user(server.store, username)
            assert stream.ended.wait(1.0 if through_console else 8.0), "the stream stayed open"
            assert console.get("/me").status == 401
        finally:
            stream.close()


def test_sign_out_ends_the_sessions_open_pages(user_console: Console) -> None:
    stream = user_console.events()
    try:
        assert stream.wait_for(lambda s: len(s.parser.events) >= 4, 5.0)
        assert user_console.post("/logout").status == 200
        assert stream.ended.wait(2.0), "the stream stayed open"
    finally:
        stream.close()
