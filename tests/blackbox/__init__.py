"""Black-box tests of the blender-mcp binary against the wire contract (shared/spec/contract.md)."""
