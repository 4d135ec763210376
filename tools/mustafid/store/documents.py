"""Uploaded documents, content-addressed beside the repository: ``<root>/<sha256[:2]>/<sha256>``.

Why not in the commit: an ID scan or a lease is personal data with its own retention (the form says how long);
in git history it could never be erased without rewriting every later commit and breaking the audit trail, and
every clone would carry every scan. The record keeps each document's name, type, size and SHA-256, so the
history still proves which file was submitted, and erasing a document is deleting one file.
"""

from __future__ import annotations

import hashlib
import os
import threading
from pathlib import Path
from typing import Protocol

from mustafid.store.durable import fsync_folder


class _Repository(Protocol):
    @property
    def git_dir(self) -> Path: ...

    @property
    def fsync(self) -> bool: ...


class DocumentStore:
    """Documents by SHA-256: written atomically (temporary file, fsync, rename, fsync of the folder)."""

    def __init__(self, root: Path, fsync: bool = True) -> None:
        self.root = Path(root)
        self.fsync = fsync

    @classmethod
    def beside(cls, store: _Repository) -> DocumentStore:
        """The documents of a git store: ``$MUSTAFID_DOCUMENTS`` or ``.git/mustafid/documents``."""
        return cls(Path(os.environ.get("MUSTAFID_DOCUMENTS") or store.git_dir / "mustafid" / "documents"),
                   fsync=store.fsync)

    def path(self, sha256: str) -> Path:
        if len(sha256) != 64 or any(c not in "0123456789abcdef" for c in sha256):
            raise ValueError("not a sha256")
        return self.root / sha256[:2] / sha256

    def put(self, content: bytes) -> str:
        sha = hashlib.sha256(content).hexdigest()
        final = self.path(sha)
        if final.exists():
            return sha
        final.parent.mkdir(parents=True, exist_ok=True)
        tmp = final.parent / f".tmp-{os.getpid()}-{threading.get_ident()}-{sha[:8]}"
        with tmp.open("wb") as fh:
            fh.write(content)
            if self.fsync:
                fh.flush()
                os.fsync(fh.fileno())
        tmp.replace(final)
        if self.fsync:
            fsync_folder(final.parent)
        return sha

    def has(self, sha256: str) -> bool:
        try:
            return self.path(sha256).is_file()
        except ValueError:
            return False

    def get(self, sha256: str) -> bytes:
        return self.path(sha256).read_bytes()

    def remove(self, sha256: str) -> bool:
        """Delete one document (erasure, or a clear copy replaced by its ciphertext); False when absent."""
        try:
            self.path(sha256).unlink()
        except FileNotFoundError:
            return False
        if self.fsync:
            fsync_folder(self.path(sha256).parent)
        return True
