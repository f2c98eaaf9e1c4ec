"""The official TypeScript SDK client's OAuth support (tests/node/sdk_oauth_client.mjs) connects
to /mcp given only the URL: discovery, registration, the sign-in and consent pages, code
exchange, a tool call, and a refresh when its access token stops working
(docs/authorization.md)."""
from __future__ import annotations

import os

from interop.common import NODE22, NODE_DIR, SIMPLE_TEXT, require, run_json
from support.server_process import DEMO_PASSWORD


def test_typescript_sdk_oauth_client_connects_with_the_url_alone(server):
    env = dict(os.environ, BMCP_USERNAME="demo", BMCP_PASSWORD=DEMO_PASSWORD)
    rc, report, detail = run_json([str(require(NODE22)), str(NODE_DIR / "sdk_oauth_client.mjs"), server.mcp_url],
                                  env=env, cwd=NODE_DIR)
    assert rc == 0 and report and "error" not in report, detail

    assert report["authorizations"] == 1
    assert report["client_id"]
    assert report["iss"] == server.base_url
    assert report["scope"] == "blender"
    assert report["first_call"] == [SIMPLE_TEXT]
    # The unusable access token was answered 401; the SDK refreshed and went on.
    assert report["second_call"] == [SIMPLE_TEXT]
    assert report["refreshed"]
