"""Paths shared by the addon tests; importing it puts tests/ and addon/ on sys.path."""
from __future__ import annotations

import sys
from pathlib import Path

TESTS_DIR = Path(__file__).resolve().parents[1]
REPO = TESTS_DIR.parent
ADDON_DIR = REPO / "addon"
EXAMPLES_DIR = REPO / "examples"
for entry in (TESTS_DIR, ADDON_DIR):
    if str(entry) not in sys.path:
        sys.path.insert(0, str(entry))
