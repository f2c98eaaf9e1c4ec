"""Interoperability tests: real MCP clients against the real blender-mcp binary."""
