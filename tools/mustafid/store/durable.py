"""fsync of folders: a file renamed or linked into a folder survives a crash only once the folder is synced."""

from __future__ import annotations

import os
import threading
from pathlib import Path


def fsync_folder(folder: Path) -> None:
    """fsync one folder (open, sync, close)."""
    fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


class Folders:
    """fsync of the folders a store writes into again and again (``objects/xx``: 256 at most, the refs'
    folders): their descriptors are kept open, so a write costs one fsync and no open."""

    KEEP = 1024

    def __init__(self) -> None:
        self._fds: dict[str, int] = {}
        self._lock = threading.Lock()

    def sync(self, folder: Path) -> None:
        key = str(folder)
        fd = self._fds.get(key)
        if fd is not None:
            os.fsync(fd)
            return
        fd = os.open(folder, os.O_RDONLY | os.O_DIRECTORY)
        keep = False
        with self._lock:
            if len(self._fds) < self.KEEP and key not in self._fds:
                self._fds[key] = fd
                keep = True
        try:
            os.fsync(fd)
        finally:
            if not keep:
                os.close(fd)

    def close(self) -> None:
        with self._lock:
            for fd in self._fds.values():
                os.close(fd)
            self._fds.clear()
