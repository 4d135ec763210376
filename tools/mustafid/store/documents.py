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

from mustafid.store.durable import Batch, deferred, fsync_file, fsync_folder


class _Repository(Protocol):
    @property
    def git_dir(self) -> Path: ...

    @property
    def fsync(self) -> bool: ...


class DocumentStore:
    """Documents by SHA-256: written atomically (temporary file, fsync, rename, fsync of the folder; inside a
    write batch, store/durable.py, the fsyncs are the batch's one flush)."""

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

    def _place(self, final: Path) -> tuple[bool, Batch | None]:
        """Before a write to ``final``: (whether it is there already, the write batch it joins if any)."""
        later = deferred() if self.fsync else None
        if final.exists():
            if later is not None:  # maybe another request's, not flushed yet: flushed with ours too
                later.add(final)
            return True, later
        created = not final.parent.is_dir()
        final.parent.mkdir(parents=True, exist_ok=True)
        if later is not None:
            later.add(final, created)
        return False, later

    def _settle(self, final: Path, later: Batch | None) -> None:
        if self.fsync and later is None:
            fsync_folder(final.parent)

    def put(self, content: bytes) -> str:
        sha = hashlib.sha256(content).hexdigest()
        final = self.path(sha)
        there, later = self._place(final)
        if there:
            return sha
        tmp = final.parent / f".tmp-{os.getpid()}-{threading.get_ident()}-{sha[:8]}"
        with tmp.open("wb") as fh:
            fh.write(content)
            if self.fsync and later is None:
                fh.flush()
                os.fsync(fh.fileno())
        tmp.replace(final)
        self._settle(final, later)
        return sha

    def put_file(self, source: Path, sha256: str) -> str:
        """Put a file already hashed (the web intake's spooled uploads) without reading it into memory: linked
        into place when on the same file system, else copied in chunks; atomically, like ``put``. The caller
        vouches for ``sha256`` (it hashed the bytes as they were written)."""
        final = self.path(sha256)
        there, later = self._place(final)
        if there:
            return sha256
        now = self.fsync and later is None
        tmp = final.parent / f".tmp-{os.getpid()}-{threading.get_ident()}-{sha256[:8]}"
        try:
            os.link(source, tmp)
        except OSError:  # another file system (or no hard links): copy it
            with source.open("rb") as src, tmp.open("wb") as dst:
                while chunk := src.read(1 << 20):
                    dst.write(chunk)
                if now:
                    dst.flush()
                    os.fsync(dst.fileno())
        else:
            if now:
                fsync_file(tmp)
        tmp.replace(final)
        self._settle(final, later)
        return sha256

    def has(self, sha256: str) -> bool:
        try:
            return self.path(sha256).is_file()
        except ValueError:
            return False

    def get(self, sha256: str) -> bytes:
        return self.path(sha256).read_bytes()

    def remove(self, sha256: str) -> bool:
        """Delete one document (erasure, or a clear copy replaced by its ciphertext); False when absent. Inside a
        write batch, what it holds is flushed first: a removal never lands before the writes that came before it
        (a clear copy goes only once its ciphertext is kept)."""
        later = deferred() if self.fsync else None
        if later is not None:
            later.flush()
        try:
            self.path(sha256).unlink()
        except FileNotFoundError:
            return False
        if self.fsync:
            fsync_folder(self.path(sha256).parent)
        return True
