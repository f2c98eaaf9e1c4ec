"""A local HTTP server on 127.0.0.1 (free port, own thread) standing in for PolyHaven, Hyper3D
Rodin (MAIN_SITE and FAL_AI) and Sketchfab, for the paths the addon's integration commands call.

Services live under prefixes of one server: /polyhaven, /hyper3d, /fal, /sketchfab; generated
files are served from /dl/<name>. Every request is recorded (method, path, query, headers, body)
so tests can check what the addon sent. service_routes.py holds the services' behaviour;
GET /stall and GET /truncated answer with bodies that stop after 10 bytes.
"""
from __future__ import annotations

import http.server
import threading
import urllib.parse
from dataclasses import dataclass, field
from typing import Any

from . import service_routes
from .service_routes import Answer, RecordedRequest


@dataclass
class ServiceServer:
    requests: list[RecordedRequest] = field(default_factory=list)
    _httpd: http.server.ThreadingHTTPServer | None = None
    _thread: threading.Thread | None = None
    _lock: threading.Lock = field(default_factory=threading.Lock)
    _stop_stalling: threading.Event = field(default_factory=threading.Event)

    def start(self) -> "ServiceServer":
        owner = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                owner._serve(self, "GET")

            def do_POST(self) -> None:
                owner._serve(self, "POST")

            def log_message(self, *args: Any) -> None:
                pass  # keep test output quiet

        self._httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._httpd.daemon_threads = True
        self.routes = service_routes.Routes(self.base_url)
        self._thread = threading.Thread(target=self._httpd.serve_forever, name="service-server",
                                        daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        if self._httpd is not None:
            self._stop_stalling.set()
            self._httpd.shutdown()
            self._httpd.server_close()
            self._thread.join(timeout=5)
            self._httpd = None

    @property
    def base_url(self) -> str:
        host, port = self._httpd.server_address[:2]
        return f"http://{host}:{port}"

    def environment(self) -> dict[str, str]:
        """The contract 9.13 variables pointing every service at this server."""
        return {
            "BLENDER_MCP_POLYHAVEN_API": self.base_url + "/polyhaven",
            "BLENDER_MCP_HYPER3D_API": self.base_url + "/hyper3d",
            "BLENDER_MCP_FAL_API": self.base_url + "/fal",
            "BLENDER_MCP_SKETCHFAB_API": self.base_url + "/sketchfab",
        }

    def recorded(self, path_prefix: str) -> list[RecordedRequest]:
        with self._lock:
            return [r for r in self.requests if r.path.startswith(path_prefix)]

    def clear(self) -> None:
        with self._lock:
            self.requests.clear()

    def _serve(self, handler: http.server.BaseHTTPRequestHandler, method: str) -> None:
        parsed = urllib.parse.urlsplit(handler.path)
        length = int(handler.headers.get("Content-Length") or 0)
        body = handler.rfile.read(length) if length else b""
        recorded = RecordedRequest(method, parsed.path, urllib.parse.parse_qs(parsed.query),
                                   {k.lower(): v for k, v in handler.headers.items()}, body)
        with self._lock:
            self.requests.append(recorded)
        if parsed.path in ("/stall", "/truncated"):
            self._send_partial_body(handler, stall=parsed.path == "/stall")
            return
        try:
            answer = self.routes.answer(recorded)
        except Exception as error:  # a bug in the routes shows up as a 500 the test will see
            answer = Answer.of_json({"error": f"test server failure: {error!r}"}, 500)
        handler.send_response(answer.status)
        handler.send_header("Content-Type", answer.content_type)
        handler.send_header("Content-Length", str(len(answer.body)))
        handler.end_headers()
        handler.wfile.write(answer.body)

    def _send_partial_body(self, handler: http.server.BaseHTTPRequestHandler, stall: bool) -> None:
        """Promises 1000 bytes and sends 10; then goes quiet for up to 3 s (a stalled download)
        or closes the connection (a truncated one)."""
        handler.send_response(200)
        handler.send_header("Content-Type", "application/octet-stream")
        handler.send_header("Content-Length", "1000")
        handler.end_headers()
        handler.wfile.write(b"0123456789")
        handler.wfile.flush()
        if stall:
            self._stop_stalling.wait(3.0)
