"""Base URL rules of contract 9.5: strip a trailing '/', then a trailing '/mcp'."""
from __future__ import annotations


def base_url(server_url: str) -> str:
    url = (server_url or "").strip()
    if not url:
        raise ValueError("Server URL is empty")
    if url.endswith("/"):
        url = url[:-1]
    if url.endswith("/mcp"):
        url = url[: -len("/mcp")]
    if not url.startswith(("http://", "https://")):
        raise ValueError(f"Server URL must start with http:// or https://: {server_url!r}")
    return url


def mcp_url(server_url: str) -> str:
    return base_url(server_url) + "/mcp"
