"""The client address that login rate limits key on: X-Forwarded-For is believed only from a
configured trusted proxy (`--trusted-proxy` / BLENDER_MCP_TRUSTED_PROXIES), and then its
right-most address that is not itself a trusted proxy.

Each test starts its own server whose trusted proxy is the loopback source address PROXY.
Failures for twenty usernames close an address for every username (the per-address limit), so
a correct login of `demo` tells whether an address is closed.
"""
from __future__ import annotations

import pytest

from blackbox.checks import assert_detail
from blackbox.processes import clean_env, expect_startup_refused
from blackbox.wire import Http

PROXY = "127.0.200.1"
OTHER_PEER = "127.0.200.2"
THIRD_PEER = "127.0.200.3"
WRONG = "wrong-password"


@pytest.fixture
def proxied(spawn):
    return spawn("--trusted-proxy", f"{PROXY},192.0.2.0/24")


@pytest.fixture
def client_from(proxied):
    made: list[Http] = []

    def make(source: str) -> Http:
        made.append(Http(proxied.base_url, source=source))
        return made[-1]

    yield make
    for client in made:
        client.close()


def forwarded(value: str) -> dict[str, str]:
    return {"X-Forwarded-For": value}


def close_address(client: Http, header: dict[str, str] | None = None) -> None:
    """Fails twenty usernames once each, which closes the address the server sees."""
    for n in range(20):
        assert_detail(client.login(f"spray-{n}", WRONG, headers=header), 401, "Invalid credentials")


def closed(reply) -> bool:
    if reply.status == 429:
        assert_detail(reply, 429, "Too many failed login attempts")
        assert int(reply.headers["retry-after"]) > 60, reply
        return True
    assert reply.status == 200, reply
    return False


def test_a_trusted_proxy_names_the_client_in_x_forwarded_for(client_from):
    proxy = client_from(PROXY)
    close_address(proxy, forwarded("203.0.113.7"))
    assert closed(proxy.login("demo", "demo", headers=forwarded("203.0.113.7")))
    assert not closed(proxy.login("demo", "demo", headers=forwarded("203.0.113.8")))
    assert not closed(proxy.login("demo", "demo"))  # the proxy's own requests
    # Another peer that claims to be 203.0.113.7 is not believed.
    assert not closed(client_from(OTHER_PEER).login("demo", "demo", headers=forwarded("203.0.113.7")))


def test_x_forwarded_for_from_an_untrusted_peer_is_ignored(client_from):
    untrusted = client_from(OTHER_PEER)
    close_address(untrusted, forwarded("198.51.100.1"))
    # Changing the header does not open the peer again: the limits key on the peer.
    assert closed(untrusted.login("demo", "demo", headers=forwarded("198.51.100.2")))
    assert closed(untrusted.login("demo", "demo"))
    assert not closed(client_from(PROXY).login("demo", "demo", headers=forwarded("198.51.100.1")))
    assert not closed(client_from(THIRD_PEER).login("demo", "demo"))


def test_the_right_most_address_that_is_not_a_trusted_proxy_is_the_client(client_from):
    proxy = client_from(PROXY)
    # The client wrote 1.1.1.1 itself; the front proxy 192.0.2.10 saw 203.0.113.9.
    close_address(proxy, forwarded("1.1.1.1, 203.0.113.9, 192.0.2.10"))
    assert closed(proxy.login("demo", "demo", headers=forwarded("8.8.8.8, 203.0.113.9")))
    assert closed(proxy.login("demo", "demo", headers=forwarded("203.0.113.9")))
    assert not closed(proxy.login("demo", "demo", headers=forwarded("1.1.1.1")))


@pytest.mark.parametrize("header", ["", "unknown", "203.0.113.7,", "not an address",
                                    "[203.0.113.7]", "203.0.113.7:99999",
                                    "203.0.113.7 203.0.113.8"])
def test_a_malformed_header_from_the_trusted_proxy_counts_against_the_proxy(client_from, header):
    proxy = client_from(PROXY)
    close_address(proxy, forwarded(header))
    assert closed(proxy.login("demo", "demo"))
    assert not closed(proxy.login("demo", "demo", headers=forwarded("203.0.113.77")))


def test_trusted_proxies_can_come_from_the_environment(spawn):
    server = spawn(env={"BLENDER_MCP_TRUSTED_PROXIES": f"{PROXY}"})
    proxy = Http(server.base_url, source=PROXY)
    try:
        close_address(proxy, forwarded("203.0.113.7"))
        assert closed(proxy.login("demo", "demo", headers=forwarded("203.0.113.7")))
        assert not closed(proxy.login("demo", "demo"))
    finally:
        proxy.close()


@pytest.mark.parametrize("args,env,message", [
    (["--trusted-proxy", "proxy.local"], {},
     "--trusted-proxy: 'proxy.local' is not an IP address or CIDR block"),
    (["--trusted-proxy", "10.0.0.0/8,10.0.0.0/33"], {},
     "--trusted-proxy: '10.0.0.0/33' has a prefix length outside 0-32"),
    ([], {"BLENDER_MCP_TRUSTED_PROXIES": "10.0.0.1/8"},
     "BLENDER_MCP_TRUSTED_PROXIES: '10.0.0.1/8' has address bits set beyond its /8 prefix"),
    (["--max-connections", "0"], {}, "--max-connections must be greater than 0, got '0'"),
    ([], {"BLENDER_MCP_MAX_CONNECTIONS": "lots"},
     "BLENDER_MCP_MAX_CONNECTIONS must be a positive integer, got 'lots'"),
    (["--busy-poll-us", "20000"], {},
     "--busy-poll-us must be between 0 and 10000 (microseconds), got '20000'"),
    ([], {"BLENDER_MCP_BUSY_POLL_US": "soon"},
     "BLENDER_MCP_BUSY_POLL_US must be a whole number of microseconds, got 'soon'"),
])
def test_a_bad_setting_exits_2_naming_it(tmp_path, args, env, message):
    result = expect_startup_refused("serve", "--host", "127.0.0.1", "--port", "0", "--data-dir",
                                    str(tmp_path), *args, env=clean_env(env))
    assert result.exit_code == 2, result.stderr
    assert message in result.stderr, result.stderr
