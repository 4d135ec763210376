"""What this user's audits have already proven about signatures: commit id -> the ssh-ed25519 key whose valid
signature the commit bears, so that the next audit verifies only the commits it has not seen.

Sound because a commit id names its content, signature included: "commit X carries a valid signature by key K"
is true forever once checked (who K is, and whether K might sign on that day, is judged afresh by every audit
against the roster of the commit's date: audit/checks.py). Only good verdicts are kept; unsigned, forged and PGP
ones are looked at again each time (they cost nothing or are rare).

Where: in this user's cache folder (``$XDG_CACHE_HOME/mustafid/signatures``, else ``~/.cache/...``), one file per
repository, mode 600, never inside the repository: a repository handed to an auditor (a clone, a bundle, a
tarball of its .git) cannot bring verdicts with it, so every auditor's first audit verifies every signature
itself. ``MUSTAFID_SIGNATURE_CACHE=off`` verifies everything every time (benchmarks/audit.py measures both).
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import struct
from collections.abc import Mapping
from pathlib import Path

_MAGIC = b"mustafid-signatures-1\n"
_ENTRY = struct.Struct(">20sH")  # the commit id, the index of its signer's key in the file's key list


def path_for(repo: Path) -> Path | None:
    """This repository's file, or None when the cache is turned off."""
    if os.environ.get("MUSTAFID_SIGNATURE_CACHE", "").lower() in ("off", "0", "no"):
        return None
    home = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    name = hashlib.sha256(str(Path(repo).resolve()).encode()).hexdigest()[:24]
    return Path(home) / "mustafid" / "signatures" / f"{name}.bin"


def load(path: Path | None) -> dict[str, str]:
    """commit id -> signer's key; empty when there is no file, or it is not one this module wrote."""
    if path is None:
        return {}
    try:
        raw = path.read_bytes()
    except OSError:
        return {}
    if not raw.startswith(_MAGIC):
        return {}
    head, _, body = raw[len(_MAGIC):].partition(b"\n")
    try:
        keys = json.loads(head)
        return {sha.hex(): keys[i] for sha, i in _ENTRY.iter_unpack(body)}
    except (ValueError, IndexError, struct.error):  # cut short or garbled: start again
        return {}


def save(path: Path | None, good: Mapping[str, str]) -> None:
    """The verdicts written whole (a temporary file renamed into place: a concurrent audit reads the old or the
    new file, never half of one)."""
    if path is None or not good:
        return
    keys = sorted(set(good.values()))
    if len(keys) > 65535:
        return
    index = {k: i for i, k in enumerate(keys)}
    body = b"".join(_ENTRY.pack(bytes.fromhex(sha), index[key]) for sha, key in good.items())
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    tmp = path.with_name(f".{path.name}.{os.getpid()}")
    try:
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "wb") as fh:
            fh.write(_MAGIC + json.dumps(keys).encode() + b"\n" + body)
        tmp.replace(path)
    except OSError:  # a read-only home: the audit stands without the cache
        with contextlib.suppress(OSError):
            tmp.unlink()
