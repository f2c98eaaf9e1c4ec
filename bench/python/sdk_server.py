"""The Python SDK contender: a minimal Streamable HTTP MCP server on the official `mcp` package
with one tool, test_simple_text, answering the same text as blender-mcp's conformance fixture.

mcp 2.x renamed FastMCP to MCPServer (mcp.server.mcpserver); this is that class, served by
uvicorn (one worker, one process), stateful sessions, SSE responses (the SDK's defaults).
No authentication.

    python sdk_server.py --port N        prints "listening on http://127.0.0.1:PORT" on stderr
"""
from __future__ import annotations

import argparse
import logging
import sys

import uvicorn
from mcp.server.mcpserver import MCPServer

SIMPLE_TEXT = "This is a simple text response for testing."


def build_app():
    server = MCPServer("sdk-bench")

    @server.tool(name="test_simple_text", description="Returns a fixed text.")
    def test_simple_text() -> str:
        return SIMPLE_TEXT

    return server.streamable_http_app(host="127.0.0.1")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--port", type=int, required=True)
    args = parser.parse_args()
    if not 0 < args.port < 65536:
        parser.error(f"--port must be 1..65535, got {args.port}")
    logging.getLogger("mcp").setLevel(logging.WARNING)
    config = uvicorn.Config(build_app(), host="127.0.0.1", port=args.port, log_level="warning",
                            access_log=False)
    server = uvicorn.Server(config)
    print(f"listening on http://127.0.0.1:{args.port}", file=sys.stderr, flush=True)
    server.run()
    return 0


if __name__ == "__main__":
    sys.exit(main())
