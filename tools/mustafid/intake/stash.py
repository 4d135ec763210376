"""The stash: documents uploaded at the check step, held until confirm.

They are stored (content-addressed) at once and named in the check page by signed tokens, so the confirm step
does not upload them again and cannot name a document it was not given. A token carries field, name, type,
size and SHA-256, signed with the server's secret (kept in the repository's git folder, shared by every
server process).
"""

from __future__ import annotations

import base64
import contextlib
import hashlib
import hmac
import json
import os
import secrets
import time
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from mustafid.intake.uploads import Document

MAX_AGE = 86400  # seconds a token is good for


class Stash:
    def __init__(self, secret: bytes) -> None:
        self.secret = secret

    def _sign(self, body: str) -> str:
        return hmac.new(self.secret, body.encode(), hashlib.sha256).hexdigest()[:32]

    def token(self, doc: Mapping[str, Any]) -> str:
        body = base64.urlsafe_b64encode(json.dumps(
            [doc["field"], doc["name"], doc["type"], int(doc["size"]), doc["sha256"], int(time.time())],
            ensure_ascii=False, separators=(",", ":")).encode()).decode().rstrip("=")
        return f"{body}.{self._sign(body)}"

    def read(self, token: str, max_age: float = MAX_AGE) -> Document | None:
        """The document a token names, or None when it is forged, broken or too old."""
        body, _, sig = token.partition(".")
        if not sig or not hmac.compare_digest(sig, self._sign(body)):
            return None
        try:
            f, name, typ, size, sha, at = json.loads(base64.urlsafe_b64decode(body + "=" * (-len(body) % 4)))
        except (ValueError, TypeError):
            return None
        if time.time() - at > max_age:
            return None
        return {"field": f, "name": name, "type": typ, "size": size, "sha256": sha}

    def by_field(self, docs: Sequence[Mapping[str, Any]]) -> dict[str, list[dict[str, Any]]]:
        """The documents held, by file field, each with a fresh token for the page to send back."""
        out: dict[str, list[dict[str, Any]]] = {}
        for d in docs:
            out.setdefault(d["field"], []).append({**d, "token": self.token(d)})
        return out


def intake_secret(git_dir: Path) -> bytes:
    """The servers' signing secret (``<git dir>/mustafid/intake-secret``), made by the first process to need it."""
    path = git_dir / "mustafid" / "intake-secret"
    try:
        return path.read_bytes()
    except FileNotFoundError:
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_suffix(f".{os.getpid()}")
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "wb") as fh:
            fh.write(secrets.token_bytes(32))
        with contextlib.suppress(FileExistsError):
            os.link(tmp, path)  # the first process to get there wins; the others read its secret
        tmp.unlink()
        return path.read_bytes()
