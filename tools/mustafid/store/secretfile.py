"""A 32-byte secret kept in a file beside the repository (mode 600), made by the first process to need it: the
others read the one it linked into place, so every server process and command on the machine shares it."""

from __future__ import annotations

import contextlib
import os
import secrets
from pathlib import Path


def secret_file(path: Path) -> bytes:
    try:
        return path.read_bytes()
    except FileNotFoundError:
        path.parent.mkdir(parents=True, exist_ok=True)
        # a temporary name of this thread's own: threads of one server racing here must not share (or unlink)
        # one another's file (they did: three of a sealed intake's first concurrent requests answered 500)
        tmp = path.with_name(f".{path.name}.{secrets.token_hex(8)}")
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "wb") as fh:
            fh.write(secrets.token_bytes(32))
        with contextlib.suppress(FileExistsError):
            os.link(tmp, path)  # the first process to get there wins; the others read its secret
        tmp.unlink()
        return path.read_bytes()
