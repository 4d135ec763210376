"""Batch reads for the audit: one `git cat-file --batch` fed every object name the walk needs (commits to verify,
record blobs before and after a change, a merge's second parent's record) from a thread while the answers are
read in the same order, so forty thousand commits are one process and no round trip per object."""

from __future__ import annotations

import subprocess
import threading
from collections.abc import Iterable, Iterator
from pathlib import Path

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
