"""Zip extraction that refuses path traversal (zip-slip), pure Python.

Every entry is checked before anything is written: an entry whose name is absolute (also
Windows drive or UNC forms), has a `..` component, is a symbolic link, or would resolve outside
the destination makes the whole archive refused.
"""
from __future__ import annotations

import os
import shutil
import stat
import zipfile

TRAVERSAL_MESSAGE = "Security issue: Zip contains files with path traversal attempt"


class UnsafeArchive(Exception):
    """The archive has an entry that could write outside the destination. str() is the
    contract's message; `entry` names the offending member."""

    def __init__(self, entry: str) -> None:
        super().__init__(TRAVERSAL_MESSAGE)
        self.entry = entry


def extract(archive_path: str, destination: str) -> list[str]:
    """Extracts all regular files of `archive_path` into `destination` (which must exist) and
    returns their paths. Raises UnsafeArchive, or zipfile.BadZipFile for a corrupt archive."""
    root = os.path.realpath(destination)
    written = []
    with zipfile.ZipFile(archive_path) as archive:
        members = archive.infolist()
        targets = [(member, _target_of(member, root)) for member in members]
        for member, target in targets:
            if member.is_dir():
                os.makedirs(target, exist_ok=True)
                continue
            os.makedirs(os.path.dirname(target), exist_ok=True)
            with archive.open(member) as source, open(target, "wb") as sink:
                shutil.copyfileobj(source, sink)
            written.append(target)
    return written


def _target_of(member: zipfile.ZipInfo, root: str) -> str:
    name = member.filename
    normalized = name.replace("\\", "/")
    parts = normalized.split("/")
    if (normalized.startswith("/") or (len(normalized) > 1 and normalized[1] == ":")
            or ".." in parts or "\x00" in normalized):
        raise UnsafeArchive(name)
    if stat.S_ISLNK(member.external_attr >> 16):
        raise UnsafeArchive(name)
    target = os.path.realpath(os.path.join(root, *[part for part in parts if part]))
    if os.path.commonpath([root, target]) != root:
        raise UnsafeArchive(name)
    return target
