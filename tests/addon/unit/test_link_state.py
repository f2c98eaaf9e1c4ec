"""What the panel calls connected / reconnecting / not connected (net/link_state.py): the pure
combination, and the states a real connection goes through against the real server when its
TCP connections are cut and refused (a TCP proxy), come back, and stop."""
from __future__ import annotations

import time
import urllib.parse

from ..raw_mcp import login
from ..tcp_proxy import TcpProxy
from .running_client import Running, tokens_of, wait_for
from blender_mcp.net import auth
from blender_mcp.net.connection import AUTH_FAILED
from blender_mcp.net.link_state import (CONNECTED, CONNECTING, NOT_CONNECTED, RECONNECTING, LinkParts, LinkState,
                                        combine)

ALIVE = dict(registered=True, ever_registered=True, control_ok=True, stream_open=True)


def test_connected_needs_registration_a_working_control_thread_and_an_open_stream():
    assert combine(LinkParts(**ALIVE)) == LinkState(CONNECTED)
    for missing in ("registered", "control_ok", "stream_open"):
        assert combine(LinkParts(**{**ALIVE, missing: False})).phase == RECONNECTING


def test_the_first_attempt_is_connecting_and_a_waiting_retry_says_when():
    assert combine(LinkParts()) == LinkState(CONNECTING)
    waiting = combine(LinkParts(**{**ALIVE, "stream_open": False}, stream_retry_at=100.2, error="stream lost"))
    assert waiting == LinkState(RECONNECTING, 100.2, "stream lost")
    assert waiting.seconds_left(98.0) == 3 and waiting.seconds_left(101.0) == 0
    both = LinkParts(control_retry_at=50.0, stream_retry_at=40.0, error="down")
    assert combine(both).retry_at == 40.0  # the next attempt, whichever thread makes it
    assert combine(LinkParts(error="refused")).phase == RECONNECTING  # a failed first attempt retries


def test_a_finished_connection_is_not_connected_and_keeps_why():
    assert combine(LinkParts(**ALIVE, finished=True, error=AUTH_FAILED)) == LinkState(NOT_CONNECTED, None, AUTH_FAILED)


def test_a_real_connection_goes_connected_reconnecting_connected_not_connected(server):
    answer = login(server.base_url)
    proxy = TcpProxy("127.0.0.1", urllib.parse.urlsplit(server.base_url).port)
    try:
        with Running(proxy.url, tokens_of(answer), "blender-unit-link") as running:
            connection = running.client.connection
            wait_for(lambda: connection.link().phase == CONNECTED, what="connected")
            proxy.cut(block=True)  # the server is out of reach: the stream breaks, reopening is refused
            wait_for(lambda: connection.link().phase == RECONNECTING, timeout=5, what="reconnecting")
            link = connection.link()
            assert link.error.startswith("event stream lost") and connection.registered.is_set()
            assert link.retry_at is None or 0 <= link.seconds_left(time.monotonic()) <= 1  # FAST_BACKOFF
            proxy.unblock()
            wait_for(lambda: connection.link().phase == CONNECTED, what="connected again")
        assert connection.link() == LinkState(NOT_CONNECTED)
    finally:
        proxy.close()


def test_a_refused_token_ends_not_connected_with_the_contract_message(server):
    with Running(server.base_url, auth.Tokens("not.a.token", "", None), "blender-unit-link2") as running:
        assert running.client.connection.finished.wait(10)
        assert running.client.connection.link() == LinkState(NOT_CONNECTED, None, AUTH_FAILED)
