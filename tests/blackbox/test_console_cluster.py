"""The web console on a cluster of two nodes (docs/console.md, "Cluster mode"): sign-ins are shared
(a cookie of one node works on the other, a sign-out anywhere ends it everywhere); the Clients page
lists the whole cluster's clients of the user (read from the shared store), and jobs, the bus tail
and images show what any node started or routed (relayed between the nodes), each once."""
from __future__ import annotations

import json
import socket
import threading
import time

import pytest

from blackbox.bus_helpers import Bus, bus_for, decoded, job_update_ok, send_ok  # noqa: F401
from blackbox.console_client import Console, signed_in
from blackbox.console_clients import check_queue_depths_and_reports
from blackbox.wire import Http, login_ok
from support.prometheus import parse_samples

pytestmark = pytest.mark.parametrize("topology", ["two nodes"], indirect=True, scope="session")


def events_named(stream, name: str) -> list[dict]:
    return [json.loads(event.data) for event in stream.parser.events if event.event == name]


def test_each_node_serves_the_console_and_lists_the_clusters_clients(server, new_user, bus_for, http_for) -> None:
    username, password = new_user(server)
    first = signed_in(http_for(server.nodes[0]), username, password)
    stream = first.events()
    try:
        assert stream.wait_for(lambda s: len(events_named(s, "clients")) >= 1, 5.0)
        bus: Bus = bus_for(server, username, password)
        bus.join("blender-cluster-1", "blender", is_persistent=True)  # on node 1 or 2, in turn
        bus.join("blender-cluster-2", "blender", is_persistent=True)

        def listed(s) -> set[str]:
            lists = events_named(s, "clients")
            last = lists[-1] if lists else {}
            return {c["uuid"] for c in last.get("persistent", []) + last.get("ephemeral", [])}

        assert stream.wait_for(lambda s: {"blender-cluster-1", "blender-cluster-2"} <= listed(s), 5.0), \
            events_named(stream, "clients")
    finally:
        stream.close()
    assert first.get("/me").status == 200


def same_browser_on(console: Console, http: Http) -> Console:
    """The browser of `console` (its cookie and CSRF token) talking to another node."""
    moved = Console(http)
    moved.cookie, moved.csrf = console.cookie, console.csrf
    return moved


def test_a_sign_in_on_one_node_is_used_and_ended_on_the_other(server, new_user, bus_for, http_for) -> None:
    """No sticky routing: node 1 signs the browser in, node 2 serves it (me, the clients list, a
    state-changing call with the CSRF token) and signs it out, and node 1 then refuses the cookie."""
    username, password = new_user(server)
    on_a = signed_in(http_for(server.nodes[0]), username, password)
    on_b = same_browser_on(on_a, http_for(server.nodes[1]))

    me = on_b.get("/me")
    assert me.status == 200, me
    assert me.json()["username"] == username and me.json()["csrf_token"] == on_a.csrf, me.json()
    bus: Bus = bus_for(server, username, password)
    bus.join("blender-shared-sign-in", "blender", is_persistent=True)
    stream = on_b.events()
    try:
        def listed(s) -> set[str]:
            lists = events_named(s, "clients")
            last = lists[-1] if lists else {}
            return {c["uuid"] for c in last.get("persistent", []) + last.get("ephemeral", [])}

        assert stream.wait_for(lambda s: "blender-shared-sign-in" in listed(s), 5.0), events_named(stream, "clients")
    finally:
        stream.close()

    # A state-changing call on node 2: refused without the CSRF token, served with node 1's.
    refused = on_b.post("/run", {"tool": "blender_get_scene_info"}, csrf="0" * 64)
    assert refused.status == 403, refused
    ran = on_b.post("/run", {"tool": "blender_get_scene_info", "target_uuid": "no-such-blender"})
    assert ran.status == 200, ran
    assert "result" in ran.json()["response"] or "error" in ran.json()["response"], ran.json()
    # Node 1 runs the next call with the run box's MCP session that node 2 recorded.
    assert on_a.post("/run", {"tool": "blender_get_scene_info", "target_uuid": "no-such-blender"}).status == 200

    out = on_b.post("/logout")
    assert out.status == 200, out
    assert on_a.get("/me").status == 401
    assert on_b.get("/me").status == 401
    assert on_a.post("/logout").status == 401


def test_queue_depths_and_held_counts_of_clients_on_the_other_node_come_from_the_shared_store(
        server, new_user, bus_for, http_for) -> None:
    username, password = new_user(server)
    # The bus puts the Blender with the queue on node 1 and the one that goes offline on node 2
    # (Bus.join takes the nodes in turn); the console on node 2 reads node 1's queue from the store.
    check_queue_depths_and_reports(signed_in(http_for(server.nodes[1]), username, password),
                                   bus_for(server, username, password))


def test_the_admin_status_lists_every_node_of_the_cluster(server, http_for) -> None:
    from support.server_process import ADMIN_PASSWORD

    admin = signed_in(http_for(server.nodes[1]), "admin", ADMIN_PASSWORD)
    status = admin.get("/admin/status")
    assert status.status == 200, status
    nodes = {node["node"]: node for node in status.json()["nodes"]}
    assert set(nodes) == {"node-1", "node-2"}, nodes
    assert nodes["node-2"]["state"] == "this node" and nodes["node-2"]["problem"] is None, nodes
    assert "node node-2" in nodes["node-2"]["backend"], nodes
    assert nodes["node-1"]["state"] == "alive" and nodes["node-1"]["backend"] is None, nodes
    assert all(isinstance(node["sessions"], int) for node in nodes.values()), nodes


def job_events(stream, job_id: str) -> list[dict]:
    return [job for job in (e["job"] for e in events_named(stream, "job")) if job["job_id"] == job_id]


def tail_records(stream, marker: str) -> list[dict]:
    return [r for r in (e["record"] for e in events_named(stream, "record")) if marker in r["summary"]]


def test_a_console_sees_the_jobs_records_and_images_another_node_routed_each_once(
        server, new_user, http_for, mcp_for) -> None:
    """Everything happens on node 2 (the MCP client, the Blender, the dispatch, the broadcast); a
    console on node 1 sees the job go from running to completed with its image, and the broadcast in
    its tail, each once; node 2's own console shows each once too (it does not take its own events
    back from Redis)."""
    username, password = new_user(server)
    far = signed_in(http_for(server.nodes[0]), username, password).events()
    near = signed_in(http_for(server.nodes[1]), username, password).events()
    try:
        for stream in (far, near):
            assert stream.wait_for(lambda s: len(events_named(s, "jobs")) == 1, 5.0)
        tokens = login_ok(http_for(server.nodes[1]), username, password)
        bus = Bus(mcp_for(server.nodes[1], tokens.access), username)  # every session on node 2
        peer = bus.join("blender-relayed-1", "blender", is_persistent=True)
        llm = bus.join("llm-relayed-1", "llm")
        answer: dict = {}
        caller = threading.Thread(target=lambda: answer.update(result=llm.session.tool(
            "blender_execute_code", {"code": "print(2)", "target_uuid": peer.uuid})), daemon=True)
        caller.start()
        job_id = peer.wait_records(1)[0].data["job_id"]
        assert far.wait_for(lambda s: len(job_events(s, job_id)) == 1, 5.0), events_named(far, "job")
        started = job_events(far, job_id)[0]
        assert (started["kind"], started["command"], started["targets"], started["status"]) == (
            "dispatch", "execute_code", [peer.uuid], "pending"), started

        job_update_ok(peer.session, job_id, "running", progress=0.5, progress_message="halfway")
        assert far.wait_for(lambda s: any(j["status"] == "running" for j in job_events(s, job_id)), 5.0), \
            job_events(far, job_id)
        running = job_events(far, job_id)[-1]
        assert (running["progress"], running["progress_message"]) == (0.5, "halfway"), running

        send_ok(llm.session, {"note": "relayed-broadcast-marker"})
        png = "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg=="
        job_update_ok(peer.session, job_id, "completed", result="2\n",
                      images=[{"mimeType": "image/png", "data": png, "label": "viewport"}])
        caller.join(10)
        assert decoded(answer["result"])["status"] == "completed", answer
        for stream in (far, near):
            assert stream.wait_for(lambda s: any(j["status"] == "completed" for j in job_events(s, job_id)), 5.0), \
                job_events(stream, job_id)
            assert stream.wait_for(lambda s: len(tail_records(s, "relayed-broadcast-marker")) == 1, 5.0)
        time.sleep(0.5)  # anything shown twice would be here by now
        for stream in (far, near):
            statuses = [j["status"] for j in job_events(stream, job_id)]
            assert statuses == ["pending", "running", "completed"], statuses
            done = job_events(stream, job_id)[-1]
            assert done["result"] == "2\n" and done["late"] is False, done
            records = tail_records(stream, "relayed-broadcast-marker")
            assert len(records) == 1, records
            assert records[0]["kind"] == "send", records
            assert records[0]["routing"]["type"] == "broadcast", records
            assert peer.uuid in records[0]["to"], records
            images = events_named(stream, "images")[-1]["images"]
            assert [(i["client"], i["job_id"]) for i in images] == [(peer.uuid, job_id)], images
            # The dispatch itself (the command sent to Blender) is in the tail once as well.
            sent = [r for r in (e["record"] for e in events_named(stream, "record"))
                    if r["kind"] == "send" and r["job_id"] == job_id]
            assert len(sent) == 1, sent
    finally:
        far.close()
        near.close()


def publish(port: int, channel: str, text: str) -> int:
    """PUBLISH on the cluster's redis-server (one RESP command on a socket); the number of receivers."""
    parts = [b"PUBLISH", channel.encode(), text.encode()]
    command = b"*%d\r\n" % len(parts) + b"".join(b"$%d\r\n%s\r\n" % (len(p), p) for p in parts)
    with socket.create_connection(("127.0.0.1", port), timeout=5) as sock:
        sock.sendall(command)
        reply = sock.recv(64)
    assert reply.startswith(b":"), reply
    return int(reply[1:].split(b"\r\n")[0])


def relay_counts(http: Http, token: str) -> dict[str, float]:
    reply = http.request("GET", "/metrics", token=token)
    assert reply.status == 200, reply
    return {dict(labels)["outcome"]: value for (name, labels), value in parse_samples(reply.text).items()
            if name == "blender_mcp_console_relay_events_total"}


def test_text_on_the_relay_channel_that_is_no_event_is_ignored_and_counted(server, http_for) -> None:
    from support.server_process import ADMIN_PASSWORD

    https = [http_for(node) for node in server.nodes]
    tokens = [login_ok(http, "admin", ADMIN_PASSWORD).access for http in https]
    before = [relay_counts(http, token) for http, token in zip(https, tokens)]
    assert all(set(counts) == {"published", "shown", "ignored"} for counts in before), before
    bad = ["not json", '{"v":1,"node":"elsewhere","user":"u","kind":"party"}',
           '{"v":1,"node":"elsewhere","user":"u","kind":"record","record":{"kind":"send"}}']
    for text in bad:
        assert publish(server.redis.port, "bmcp:console", text) == len(server.nodes)
    deadline = time.monotonic() + 5
    while time.monotonic() < deadline:
        now = [relay_counts(http, token) for http, token in zip(https, tokens)]
        if all(n["ignored"] == b["ignored"] + len(bad) for n, b in zip(now, before)):
            break
        time.sleep(0.05)
    assert [n["ignored"] - b["ignored"] for n, b in zip(now, before)] == [len(bad)] * len(server.nodes), (before, now)
    assert [n["shown"] for n in now] == [b["shown"] for b in before], (before, now)
    # Neither node is harmed by it.
    for http in https:
        assert http.request("GET", "/health").status == 200


def test_while_redis_is_down_the_console_answers_503_naming_the_shared_store_and_signs_nobody_out(
        spawn, new_user, http_for) -> None:
    cluster = spawn()  # a cluster of its own: its Redis goes away
    username, password = new_user(cluster)
    browser = signed_in(http_for(cluster.nodes[0]), username, password)
    elsewhere = same_browser_on(browser, http_for(cluster.nodes[1]))
    cluster.redis.stop(graceful=True)  # the append-only file keeps the sign-in
    try:
        deadline = time.monotonic() + 10
        while (me := elsewhere.get("/me")).status == 200 and time.monotonic() < deadline:
            time.sleep(0.05)
        assert me.status == 503, me
        assert "shared store" in me.json()["detail"] and me.headers.get("retry-after") == "2", me
        for console in (browser, elsewhere):
            for reply in (console.get("/me"), console.post("/run", {"tool": "blender_get_scene_info"}),
                          console.post("/logout")):
                assert reply.status == 503 and "shared store" in reply.json()["detail"], reply
        refused = Console(http_for(cluster.nodes[1])).sign_in(username, password)
        assert refused.status == 503 and "shared store" in refused.json()["detail"], refused
        assert "set-cookie" not in {k.lower() for k in refused.headers.keys()}, refused
    finally:
        cluster.redis.start()
    deadline = time.monotonic() + 20
    while (me := elsewhere.get("/me")).status != 200 and time.monotonic() < deadline:
        time.sleep(0.1)
    assert me.status == 200 and me.json()["username"] == username, me
    assert browser.get("/me").status == 200
