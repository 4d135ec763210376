"""Branches moved by compare-and-swap only: a writer that lost the race fails, it never overwrites.

Creating a branch follows git's own lock-file protocol on the files ref backend (create ``<ref>.lock``
exclusively, check the ref exists neither loose nor packed, write and fsync, rename into place, fsync the
folder), so it is safe against git and against other writers without a git process per submission. Moving a
branch, and every write on a reftable repository, goes through ``git update-ref <ref> <new> <old>`` with the ref
fsync'd (``core.fsync=reference``) before it returns.
"""

from __future__ import annotations

import contextlib
import os
import re
import subprocess
from pathlib import Path

from mustafid.store.durable import Folders

ZERO = "0" * 40
FSYNC_CONFIG = ("-c", "core.fsync=reference,objects", "-c", "core.fsyncMethod=fsync")
_PLAIN_BRANCH = re.compile(r"refs/heads/[A-Za-z0-9/_.-]+")


class Refs:
    """The refs of one repository: ``update`` (CAS through git) and ``create`` (only if absent)."""

    def __init__(self, repo: Path, common_dir: Path, folders: Folders, *, files_backend: bool = True,
                 fsync: bool = True) -> None:
        self.repo, self.common_dir, self.folders = repo, common_dir, folders
        self.files_backend, self.fsync = files_backend, fsync

    def update(self, ref: str, new: str, old: str, reason: str = "mustafid") -> bool:
        """Move ``ref`` from ``old`` (ZERO: must not exist) to ``new``. False if it moved meanwhile."""
        proc = subprocess.run(["git", *(FSYNC_CONFIG if self.fsync else ()), "-C", str(self.repo), "update-ref",
                               "-m", reason, ref, new, old], capture_output=True, check=False)
        return proc.returncode == 0

    def create(self, ref: str, new: str) -> bool:
        """Create ``ref`` at ``new`` only if it does not exist; False if it does. Durable when it returns."""
        if not self.files_backend or not _PLAIN_BRANCH.fullmatch(ref) or ".." in ref \
                or ref.endswith((".lock", "/", ".")):
            return self.update(ref, new, ZERO)
        path = self.common_dir / ref
        lock = path.with_name(path.name + ".lock")
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            fd = os.open(lock, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o644)
        except FileExistsError:
            return False  # another writer holds it right now: it will exist, or we collided anyway
        except NotADirectoryError:
            return False  # a ref named like the folder exists (D/F conflict)
        done = False
        try:
            if path.exists() or self.packed(ref):
                return False
            os.write(fd, (new + "\n").encode())
            if self.fsync:
                os.fsync(fd)
            os.close(fd)
            fd = -1
            lock.rename(path)
            done = True
            if self.fsync:
                self.folders.sync(path.parent)
            return True
        finally:
            if fd >= 0:
                os.close(fd)
            if not done:
                with contextlib.suppress(FileNotFoundError):
                    lock.unlink()

    def packed(self, ref: str) -> bool:
        """Whether ``packed-refs`` names ``ref`` (after ``git gc`` or ``git pack-refs``)."""
        try:
            data = (self.common_dir / "packed-refs").read_bytes()
        except FileNotFoundError:
            return False
        return (" " + ref + "\n").encode() in data
