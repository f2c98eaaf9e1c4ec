"""The addon version, shared by bl_info, the manifest check in tests and the MCP clientInfo."""
VERSION = (1, 0, 0)
VERSION_STRING = ".".join(str(part) for part in VERSION)
