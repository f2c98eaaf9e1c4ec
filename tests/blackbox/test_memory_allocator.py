"""The start-up log names the allocator that serves malloc, and says the truth: the release binary
is linked with mimalloc (docs/architecture.md), whose malloc must then be the process's."""
from __future__ import annotations

import re
import subprocess

from support.server_process import binary_path


def linked_with_mimalloc() -> bool:
    listing = subprocess.run(["ldd", str(binary_path())], capture_output=True, text=True, check=True).stdout
    return "libmimalloc" in listing


def test_the_start_up_log_names_the_allocator_that_serves_malloc(spawn):
    server = spawn()
    # Logged before the "listening" line that ends the start.
    lines = [line for line in server.stderr_lines if "memory allocator: " in line]
    assert len(lines) == 1, server.stderr_lines
    with open(f"/proc/{server.process.pid}/maps") as maps:
        mapped = "libmimalloc" in maps.read()
    assert mapped == linked_with_mimalloc()
    if mapped:
        # "(linked, but malloc is still the C library's)" would follow the version otherwise.
        assert re.search(r"memory allocator: mimalloc \d+\.\d+\.\d+$", lines[0].rstrip()), lines[0]
    else:
        assert lines[0].rstrip().endswith("memory allocator: the C library's malloc"), lines[0]
