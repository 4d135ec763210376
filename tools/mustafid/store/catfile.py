"""One long-lived ``git cat-file --batch`` for reading objects: no git process per read."""

from __future__ import annotations

import contextlib
import subprocess
import threading
from pathlib import Path

from mustafid.store.errors import StoreError


class CatFile:
    """One ``git cat-file --batch`` for the store's life, restarted if it dies; reads are serialised."""

    def __init__(self, repo: Path) -> None:
        self.repo = repo
        self.proc: subprocess.Popen[bytes] | None = None
        self.lock = threading.Lock()

    def _start(self) -> subprocess.Popen[bytes]:
        if self.proc is None or self.proc.poll() is not None:
            self.proc = subprocess.Popen(["git", "-C", str(self.repo), "cat-file", "--batch"],
                                         stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
        return self.proc

    def get(self, name: str) -> tuple[str, str, bytes] | None:
        """(sha, type, content) of an object name (sha, ``refs/heads/main``, ``rev:path``), or None."""
        with self.lock:
            for attempt in (0, 1):
                proc = self._start()
                assert proc.stdin and proc.stdout
                try:
                    proc.stdin.write(name.encode() + b"\n")
                    proc.stdin.flush()
                    header = proc.stdout.readline()
                    if not header:
                        raise BrokenPipeError
                    parts = header.split()
                    if len(parts) < 3 or parts[1] == b"missing":
                        return None
                    size = int(parts[2])
                    content = proc.stdout.read(size + 1)[:-1]
                    return parts[0].decode(), parts[1].decode(), content
                except (BrokenPipeError, OSError, ValueError):
                    self.close()
                    if attempt:
                        raise StoreError("git cat-file stopped") from None
            return None

    def __del__(self) -> None:
        self.close()

    def close(self) -> None:
        if self.proc is not None:
            for stream in (self.proc.stdin, self.proc.stdout):
                if stream is not None:
                    with contextlib.suppress(OSError):
                        stream.close()
            self.proc.kill()
            self.proc.wait()
            self.proc = None
