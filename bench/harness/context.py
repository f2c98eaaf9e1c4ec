"""What every workload needs to know: paths, pinning, credentials and run lengths."""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

USER_PREFIX = "bench"
USERS = 16  # 1,000 fan-out recipients at 63 per user (the contract allows 64 MCP sessions per user)


@dataclass
class Context:
    root: Path            # repository root
    binary: Path          # blender-mcp
    bench_bin: Path       # build-bench/bin
    node: Path            # Node 22 binary for the TypeScript SDK contender
    python: Path          # Python with the mcp SDK and uvicorn
    work: Path            # scratch directory for logs and data (under bench/results/tmp/)
    data_dir: Path        # blender-mcp data directory with the bench users
    admin_password: str
    user_password: str
    server_cpus: str = "0"
    load_cpus: str = "1"
    server_threads: int = 1
    quick: bool = False   # shorter runs, for checking the script itself

    def seconds(self, full: float) -> float:
        return max(1.0, full / 4) if self.quick else full

    def user(self, index: int) -> str:
        return f"{USER_PREFIX}{index + 1:02d}"

    def program(self, name: str) -> str:
        return str(self.bench_bin / name)

    def log(self, name: str) -> Path:
        return self.work / f"{name}.log"
