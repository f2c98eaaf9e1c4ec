"""Orchestration of the blender-mcp benchmarks (run by scripts/bench; see bench/README.md)."""
