"""Batch reads for the audit: one `git cat-file --batch` fed every object name the walk needs (record blobs before
and after a change, a merge's record and its second parent's; commits to verify in audit/signatures.py) from a
thread while the answers are read in the same order, so sixty thousand commits are one process and no round
trip per object. `read_objects` takes the names all at once; `Batch` is asked as the walk goes."""

from __future__ import annotations

import contextlib
import subprocess
import threading
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import IO

from mustafid.core.errors import UserError


def read_objects(repo: Path, names: Iterable[str]) -> Iterator[tuple[str, bytes | None]]:
    """(the object's sha or "", its content or None when missing), one per name, in the order given."""
    wanted = list(names)
    if not wanted:
        return
    proc = subprocess.Popen(["git", "-C", str(repo), "cat-file", "--batch", "--buffer"], stdin=subprocess.PIPE,
                            stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
    assert proc.stdin is not None and proc.stdout is not None
    stdin, out = proc.stdin, proc.stdout

    def feed() -> None:
        try:
            for start in range(0, len(wanted), 512):
                stdin.write(("\n".join(wanted[start:start + 512]) + "\n").encode())
            stdin.close()
        except OSError:  # the reader stopped early and closed the pipe
            pass

    writer = threading.Thread(target=feed, daemon=True)
    writer.start()
    try:
        for _ in wanted:
            header = out.readline()
            if not header:
                raise UserError("توقّف git cat-file أثناء التدقيق", "git cat-file stopped during the audit")
            parts = header.split()
            if len(parts) < 3 or parts[1] == b"missing":
                yield "", None
                continue
            size = int(parts[2])
            content = out.read(size + 1)[:-1]
            yield parts[0].decode(), content
    finally:
        out.close()
        proc.kill()
        proc.wait()
        writer.join()


class Batch:
    """One `git cat-file --batch` asked as the walk goes (`ask`), answered in the same order (`take`): the
    objects are read while `git log` still streams, not after it. Names go through a queue to a thread that
    writes them, so asking never waits on git; git writes each answer as soon as it has it."""

    def __init__(self, repo: Path) -> None:
        import queue

        self.proc = subprocess.Popen(["git", "-C", str(repo), "cat-file", "--batch"], stdin=subprocess.PIPE,
                                     stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
        assert self.proc.stdin is not None and self.proc.stdout is not None
        self.out = self.proc.stdout
        widen(self.out)
        self.names: queue.SimpleQueue[list[str] | None] = queue.SimpleQueue()
        self.writer = threading.Thread(target=self._feed, args=(self.proc.stdin,), daemon=True)
        self.writer.start()

    def _feed(self, stdin: IO[bytes]) -> None:
        try:
            done = False
            while not done:
                names = self.names.get()
                if names is None:
                    break
                batch = list(names)
                while not self.names.empty():  # what else is waiting goes in the same write
                    more = self.names.get()
                    if more is None:
                        done = True
                        break
                    batch += more
                stdin.write(("\n".join(batch) + "\n").encode())
                stdin.flush()
        except OSError:  # closed early: the reader stopped
            pass
        finally:
            with contextlib.suppress(OSError):
                stdin.close()

    def ask(self, names: list[str]) -> None:
        if names:
            self.names.put(names)

    def take(self) -> tuple[str, bytes | None]:
        """The next answer: (the object's sha or "", its content or None when missing)."""
        header = self.out.readline()
        if not header:
            raise UserError("توقّف git cat-file أثناء التدقيق", "git cat-file stopped during the audit")
        parts = header.split()
        if len(parts) < 3 or parts[1] == b"missing":
            return "", None
        content = self.out.read(int(parts[2]) + 1)[:-1]
        return parts[0].decode(), content

    def close(self) -> None:
        self.names.put(None)
        self.out.close()
        self.proc.kill()
        self.proc.wait()
        self.writer.join()


def widen(pipe: IO[bytes]) -> None:
    """A 1 MiB pipe where Linux allows it (F_SETPIPE_SZ): git runs further ahead of the reader."""
    try:
        import fcntl

        fcntl.fcntl(pipe.fileno(), 1031, 1 << 20)  # F_SETPIPE_SZ
    except (ImportError, OSError):
        pass
