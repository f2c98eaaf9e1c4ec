"""Network side of the addon: HTTP, SSE, the MCP session, auth and the connection threads.

Nothing in this package imports bpy; it runs on network threads and in unit tests outside Blender.
"""
