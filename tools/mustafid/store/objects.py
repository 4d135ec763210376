"""Git objects written by us, exactly as git writes them: zlib, a temporary file, fsync, link into place, fsync
of the folder. An object's id is returned only once it is durable, so a commit never names a missing object;
inside a write batch (durable.py) the two fsyncs are left to the batch's one flush, before any ref names it."""

from __future__ import annotations

import contextlib
import hashlib
import os
import threading
import time
import zlib
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from mustafid.store.durable import Folders, deferred

TMP_PREFIX = "tmp_obj_mustafid_"
Entry = tuple[str, str, str]  # a tree's entry: (mode, name, sha)
TREE = "40000"
BLOB = "100644"


@dataclass(frozen=True)
class Identity:
    """Who commits: the author and committer line of every commit the store writes."""

    name: str
    email: str

    def signature(self, when: float | None = None) -> str:
        t = time.time() if when is None else when
        off = time.localtime(t).tm_gmtoff
        sign = "+" if off >= 0 else "-"
        off = abs(off)
        return f"{self.name} <{self.email}> {int(t)} {sign}{off // 3600:02d}{off % 3600 // 60:02d}"


def commit_body(tree: str, parents: Iterable[str], identity: Identity, message: str) -> bytes:
    sig = identity.signature()
    lines = [f"tree {tree}", *(f"parent {p}" for p in parents), f"author {sig}", f"committer {sig}"]
    return ("\n".join(lines) + "\n\n" + message).encode()


def _tree_sort_key(entry: Entry) -> bytes:
    mode, name, _ = entry
    # git orders a tree's entries by name, as if directories' names ended with '/'.
    return name.encode() + (b"/" if mode == TREE else b"")


def sorted_entries(entries: Iterable[Entry]) -> list[Entry]:
    return sorted(entries, key=_tree_sort_key)


def tree_body(ordered: Iterable[Entry]) -> bytes:
    """A tree object's content from its entries, already in git's order."""
    return b"".join(f"{m} {n}".encode() + b"\0" + bytes.fromhex(s) for m, n, s in ordered)


def parse_tree(data: bytes) -> list[Entry]:
    entries: list[Entry] = []
    pos = 0
    while pos < len(data):
        sp = data.index(b" ", pos)
        nul = data.index(b"\0", sp)
        entries.append((data[pos:sp].decode(), data[sp + 1:nul].decode(), data[nul + 1:nul + 21].hex()))
        pos = nul + 21
    return entries


class LooseObjects:
    """Writes loose objects into ``objects`` (a concurrent writer of the same object is fine)."""

    def __init__(self, objects: Path, folders: Folders, fsync: bool = True) -> None:
        self.objects, self.folders, self.fsync = objects, folders, fsync
        self._dirs: set[str] = set()  # objects/xx folders known to exist

    def write(self, kind: str, body: bytes) -> str:
        """A loose object, durable before its id is returned; inside a write batch (durable.py), durable once
        the batch is flushed (before the ref that names it)."""
        header = f"{kind} {len(body)}\0".encode()
        sha = hashlib.sha1(header + body).hexdigest()
        folder = self.objects / sha[:2]
        final = folder / sha[2:]
        later = deferred() if self.fsync else None
        created = False
        if sha[:2] not in self._dirs:
            created = not folder.is_dir()
            folder.mkdir(exist_ok=True)
            self._dirs.add(sha[:2])
        if final.exists():
            if later is not None:  # another writer's, maybe not flushed yet: ours to flush too
                later.add(final)
            return sha
        if later is not None:
            later.add(final, created)
        tmp = folder / f"{TMP_PREFIX}{os.getpid()}_{threading.get_ident()}_{sha[2:10]}"
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o444)
        try:
            os.write(fd, zlib.compress(header + body, 1))
            if self.fsync and later is None:
                os.fsync(fd)
        finally:
            os.close(fd)
        try:
            with contextlib.suppress(FileExistsError):
                os.link(tmp, final)
        finally:
            tmp.unlink()
        if self.fsync and later is None:
            self.folders.sync(folder)
        return sha
