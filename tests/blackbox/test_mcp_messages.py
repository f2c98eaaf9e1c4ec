"""Contract §4.4, §4.7, §4.9: POST on /mcp — content types, framing, message kinds, and methods."""
from __future__ import annotations

import json

import pytest

from blackbox.checks import (PARSE_ERROR_BODY, assert_accepted_without_body, assert_detail, assert_json,
                             assert_rpc_error, assert_rpc_http_error)
from blackbox.wire import JSON, JSON_AND_SSE, SSE, notification, rpc

LEVELS = ["emergency", "alert", "critical", "error", "warning", "notice", "info", "debug"]

INVALID_MESSAGES = [
    {},
    {"jsonrpc": "1.0", "id": 1, "method": "ping"},
    {"id": 1, "method": "ping"},
    {"jsonrpc": "2.0", "id": 1},
    {"jsonrpc": "2.0", "id": 1, "method": 5},
    {"jsonrpc": "2.0", "id": {"a": 1}, "method": "ping"},
    {"jsonrpc": "2.0", "id": [1], "method": "ping"},
    {"jsonrpc": "2.0", "id": 1, "method": "ping", "params": 5},
    {"jsonrpc": "2.0", "id": 1, "method": "ping", "params": "x"},
    {"jsonrpc": "2.0", "id": 1, "result": {}, "error": {"code": 1, "message": "both"}},
    "ping",
    42,
    None,
    True,
]


def _assert_still_works(session) -> None:
    assert session.result("ping") == {}


# content type -------------------------------------------------------------------------------------


@pytest.mark.parametrize("content_type", ["text/plain", None, "application/x-www-form-urlencoded",
                                          "application/jsonx", "text/json"])
def test_a_post_without_a_json_content_type_is_415(session, content_type):
    reply = session.call("ping", content_type=content_type)
    assert_detail(reply, 415, "Content-Type must be application/json")
    _assert_still_works(session)


def test_a_json_content_type_with_parameters_is_accepted(session):
    assert session.call("ping", content_type="application/json; charset=utf-8").status == 200


# framing ------------------------------------------------------------------------------------------


@pytest.mark.parametrize("raw", ['{"jsonrpc":"2.0","id":1,"method":"ping"', "not json", "{'a': 1}", "",
                                 '{"jsonrpc":"2.0","id":1,"method":"ping"} trailing'])
def test_malformed_json_is_400_parse_error_with_the_exact_body(session, raw):
    reply = session.post(raw=raw)
    assert assert_json(reply, 400) == PARSE_ERROR_BODY, reply
    _assert_still_works(session)


@pytest.mark.parametrize("raw", ['{"jsonrpc":"2.0","id":1,"method":"ping","params":{"x":1e400}}',
                                 '{"jsonrpc":"2.0","id":1,"method":"ping","params":{"x":[-5e308]}}',
                                 '{"jsonrpc":"2.0","id":1,"method":"ping","params":{"x":1e999999}}'])
def test_a_number_beyond_the_range_of_a_double_is_400_parse_error(session, raw):
    # JSON has no infinity: such a number could only be passed on as null.
    reply = session.post(raw=raw)
    assert assert_json(reply, 400) == PARSE_ERROR_BODY, reply
    _assert_still_works(session)


@pytest.mark.parametrize("batch", [[rpc("ping"), rpc("ping")], [rpc("ping")], [notification("notifications/x")]])
def test_a_batch_is_400_batch_requests_are_not_supported(session, batch):
    reply = session.post(batch)
    assert_rpc_http_error(reply, 400, -32600, "Batch requests are not supported")
    _assert_still_works(session)


def test_an_empty_array_is_400_invalid_request(session):
    assert_rpc_http_error(session.post([]), 400, -32600)


@pytest.mark.parametrize("message", INVALID_MESSAGES, ids=[json.dumps(m)[:40] for m in INVALID_MESSAGES])
def test_an_invalid_message_is_400_invalid_request(session, message):
    assert_rpc_http_error(session.post(message), 400, -32600)
    _assert_still_works(session)


# message kinds ------------------------------------------------------------------------------------


@pytest.mark.parametrize("message", [
    notification("notifications/initialized"),
    notification("notifications/something-unknown", {"x": 1}),
    notification("notifications/cancelled", {"requestId": 987654, "reason": "test"}),
    notification("notifications/roots/list_changed"),
])
def test_a_notification_is_202_with_no_body(session, message):
    assert_accepted_without_body(session.post(message))
    _assert_still_works(session)


@pytest.mark.parametrize("message", [
    {"jsonrpc": "2.0", "id": 41, "result": {}},
    {"jsonrpc": "2.0", "id": "s-1", "result": {"action": "accept"}},
    {"jsonrpc": "2.0", "id": 42, "error": {"code": -32601, "message": "Method not found"}},
])
def test_a_json_rpc_response_from_the_client_is_202_with_no_body(session, message):
    assert_accepted_without_body(session.post(message))
    _assert_still_works(session)


@pytest.mark.parametrize("accept", [JSON, None, "application/json; q=1.0"])
def test_a_request_without_sse_in_accept_gets_one_json_response(session, accept):
    request = rpc("ping")
    reply = session.post(request, accept=accept)
    assert reply.status == 200 and reply.content_type == JSON, reply
    assert reply.json() == {"jsonrpc": "2.0", "id": request["id"], "result": {}}


@pytest.mark.parametrize("accept", [JSON_AND_SSE, SSE, "text/event-stream, application/json"])
def test_a_request_accepting_sse_gets_exactly_one_sse_message_event(session, accept):
    request = rpc("ping")
    reply = session.post(request, accept=accept)
    assert reply.status == 200 and reply.content_type == SSE, reply
    assert "no-cache" in reply.headers.get("cache-control", ""), reply
    assert reply.headers.get("x-accel-buffering") == "no", reply
    events = reply.sse.events
    assert len(events) == 1, reply
    assert events[0].event == "message" and events[0].id is None, reply
    assert events[0].fields.count("data") == 1, reply
    assert events[0].json() == {"jsonrpc": "2.0", "id": request["id"], "result": {}}


@pytest.mark.parametrize("request_id", ["abc", 0, -7, 2 ** 40, "0"])
def test_the_response_echoes_the_request_id_exactly(session, request_id):
    reply = session.post(rpc("ping", id=request_id))
    assert reply.status == 200, reply
    assert reply.json()["id"] == request_id and type(reply.json()["id"]) is type(request_id)


# methods ------------------------------------------------------------------------------------------


def test_subscribing_to_an_unknown_resource_is_resource_not_found(session):
    request = rpc("resources/subscribe", {"uri": "blender://nothing"})
    assert_rpc_error(session.post(request), -32002, "Resource not found", request_id=request["id"])


def test_ping_returns_an_empty_object(session):
    assert session.result("ping") == {}


@pytest.mark.parametrize("method", ["no/such/method", "tools/unknown", "sampling/createMessage", "roots/list"])
def test_an_unknown_method_is_method_not_found(session, method):
    request = rpc(method, {})
    assert_rpc_error(session.post(request), -32601, "Method not found", request_id=request["id"])


@pytest.mark.parametrize("level", LEVELS)
def test_set_level_accepts_each_of_the_eight_levels(session, level):
    assert session.result("logging/setLevel", {"level": level}) == {}


@pytest.mark.parametrize("params", [{"level": "verbose"}, {"level": "WARNING"}, {"level": 3}, {"level": None}, {}])
def test_set_level_refuses_anything_but_the_eight_levels(session, params):
    assert_rpc_error(session.call("logging/setLevel", params), -32602)

