"""Trees read through the cat-file reader and cached by id (a tree never changes), and trees written with
some files changed: only the folders on a changed path are new objects."""

from __future__ import annotations

import threading
from collections.abc import Iterable, Mapping

from mustafid.store.catfile import CatFile
from mustafid.store.errors import StoreError
from mustafid.store.objects import BLOB, TREE, Entry, LooseObjects, parse_tree, sorted_entries, tree_body


class Trees:
    LIMIT = 20_000  # trees remembered; the cache starts again past it

    def __init__(self, cat: CatFile, objects: LooseObjects) -> None:
        self.cat, self.objects = cat, objects
        self._cache: dict[str, list[Entry]] = {}
        self._lock = threading.Lock()

    def entries(self, sha: str) -> list[Entry]:
        with self._lock:
            hit = self._cache.get(sha)
        if hit is not None:
            return hit
        got = self.cat.get(sha)
        if got is None or got[1] != "tree":
            raise StoreError(f"tree {sha} is missing")
        entries = parse_tree(got[2])
        self._remember(sha, entries)
        return entries

    def _remember(self, sha: str, entries: list[Entry]) -> None:
        with self._lock:
            if len(self._cache) > self.LIMIT:
                self._cache.clear()
            self._cache[sha] = entries

    def write(self, entries: Iterable[Entry]) -> str:
        ordered = sorted_entries(entries)
        sha = self.objects.write("tree", tree_body(ordered))
        self._remember(sha, ordered)
        return sha

    def with_files(self, base: str | None, files: Mapping[str, bytes | None]) -> str:
        """The tree ``base`` with ``files`` written (``None`` removes a file)."""
        entries = {n: (m, s) for m, n, s in (self.entries(base) if base else [])}
        here: dict[str, bytes | None] = {}
        below: dict[str, dict[str, bytes | None]] = {}
        for path, content in files.items():
            head, _, rest = path.partition("/")
            if not head or head in (".", "..", ".git") or "\0" in path:
                raise StoreError(f"bad path {path!r}")
            if rest:
                below.setdefault(head, {})[rest] = content
            else:
                here[head] = content
        for name, content in here.items():
            if content is None:
                entries.pop(name, None)
            else:
                entries[name] = (BLOB, self.objects.write("blob", content))
        for name, sub in below.items():
            old = entries.get(name)
            child = self.with_files(old[1] if old and old[0] == TREE else None, sub)
            if self.entries(child):
                entries[name] = (TREE, child)
            else:
                entries.pop(name, None)  # git keeps no empty folders
        return self.write((m, n, s) for n, (m, s) in entries.items())
