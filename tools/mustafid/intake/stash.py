"""The stash: documents uploaded at the check step, held until confirm.

They are kept at once, beside the repository (``<git dir>/mustafid/stash/<slot>/<sha256>``, one slot per client,
its name a keyed hash of the client's address), and named in the check page by signed tokens, so the confirm
step does not upload them again and cannot name a document it was not given. A token carries field, name,
type, size, SHA-256 and slot, signed with the server's secret (kept in the repository's git folder, shared by
every server process).

Nothing held is kept for ever: an unconfirmed document expires ``ttl`` seconds after it was last shown on a
check page and is then removed (``sweep``); until then it counts against its client's quota and the stash's
total. Confirming moves it into the document store, under the record that names it.
"""

from __future__ import annotations

import base64
import contextlib
import hashlib
import hmac
import json
import os
import secrets
import shutil
import threading
import time
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from mustafid.intake.messages import MSG
from mustafid.intake.posted import Refused
from mustafid.intake.uploads import Document, Spooled, Upload

MAX_AGE = 86400  # seconds a token is good for (and a stashed document kept) by default
INCOMING = "incoming"  # <git dir>/mustafid/incoming/<request>: uploads being received


class Stash:
    """Tokens for documents held between the check and confirm steps, and (with a ``root``) the files."""

    def __init__(self, secret: bytes, root: Path | None = None, *, ttl: float = MAX_AGE,
                 client_quota: int = 50_000_000, total_quota: int = 2_000_000_000, slot: str = "anyone") -> None:
        self.secret, self.root, self.ttl = secret, root, ttl
        self.client_quota, self.total_quota, self.slot = client_quota, total_quota, slot
        self._total = [0, 0.0]  # bytes held by every slot, when it was last counted (shared by for_client)
        self._lock = threading.Lock()

    def for_client(self, client: str) -> Stash:
        """The same stash, keeping new documents in ``client``'s slot (a keyed hash: no address on disk)."""
        bound = Stash(self.secret, self.root, ttl=self.ttl, client_quota=self.client_quota,
                      total_quota=self.total_quota, slot=self._sign("slot:" + client)[:20])
        bound._total, bound._lock = self._total, self._lock
        return bound

    def _sign(self, body: str) -> str:
        return hmac.new(self.secret, body.encode(), hashlib.sha256).hexdigest()[:32]

    def token(self, doc: Mapping[str, Any]) -> str:
        body = base64.urlsafe_b64encode(json.dumps(
            [doc["field"], doc["name"], doc["type"], int(doc["size"]), doc["sha256"], int(time.time()), self.slot],
            ensure_ascii=False, separators=(",", ":")).encode()).decode().rstrip("=")
        return f"{body}.{self._sign(body)}"

    def _open(self, token: str, max_age: float | None) -> tuple[Document, str] | None:
        body, _, sig = token.partition(".")
        if not sig or not hmac.compare_digest(sig, self._sign(body)):
            return None
        try:
            f, name, typ, size, sha, at, *slot = json.loads(base64.urlsafe_b64decode(body + "=" * (-len(body) % 4)))
        except (ValueError, TypeError):
            return None
        if time.time() - at > (self.ttl if max_age is None else max_age):
            return None
        return {"field": f, "name": name, "type": typ, "size": size, "sha256": sha}, str(slot[0] if slot else "")

    def read(self, token: str, max_age: float | None = None) -> Document | None:
        """The document a token names, or None when it is forged, broken or too old."""
        opened = self._open(token, max_age)
        return opened[0] if opened else None

    def by_field(self, docs: Sequence[Mapping[str, Any]]) -> dict[str, list[dict[str, Any]]]:
        """The documents held, by file field, each with a fresh token for the page to send back."""
        out: dict[str, list[dict[str, Any]]] = {}
        for d in docs:
            out.setdefault(d["field"], []).append({**d, "token": self.token(d)})
        return out

    # The files (with a root)

    def _path(self, slot: str, sha256: str) -> Path | None:
        if self.root is None or not slot.isalnum() or len(sha256) != 64 or not sha256.isalnum():
            return None
        return self.root / slot / sha256

    def hold(self, token: str) -> tuple[Document, Upload | None] | None:
        """The document a token names and, when the stash still holds its file, that file as an upload (kept
        on in this client's slot, its expiry restarted); None for a forged, broken or too old token."""
        opened = self._open(token, None)
        if opened is None:
            return None
        doc, slot = opened
        path = self._path(slot, doc["sha256"])
        if path is None or not path.is_file():
            return doc, None
        mine = self._path(self.slot, doc["sha256"])
        if mine is not None and mine != path:
            self._check_quota(doc["sha256"], int(doc["size"]))
            mine.parent.mkdir(parents=True, exist_ok=True)
            with contextlib.suppress(FileExistsError):
                os.link(path, mine)
            path = mine
        with contextlib.suppress(OSError):
            os.utime(path)
            return doc, Upload(doc["field"], doc["name"], doc["type"], spooled=Spooled.of_file(path, doc["sha256"]))
        return doc, None

    def keep(self, upload: Upload) -> Document:
        """Hold a document received at the check step in this client's slot (refused, 429, past the client's
        quota; 503 past the stash's total)."""
        doc = upload.document()
        target = self._path(self.slot, doc["sha256"])
        if target is None:
            raise ValueError("a stash without a folder keeps no document")
        self._check_quota(doc["sha256"], upload.size)
        target.parent.mkdir(parents=True, exist_ok=True)
        if upload.spooled is not None:
            with contextlib.suppress(FileExistsError):
                os.link(upload.spooled.path, target)
        elif not target.exists():
            tmp = target.with_name(f".{target.name}.{os.getpid()}.{threading.get_ident()}")
            tmp.write_bytes(upload.content)
            tmp.replace(target)
        os.utime(target)
        with self._lock:
            self._total[0] += upload.size
        return doc

    def _check_quota(self, sha256: str, size: int) -> None:
        assert self.root is not None
        slot = self.root / self.slot
        if (slot / sha256).exists():
            return
        held = sum(e.stat().st_size for e in os.scandir(slot) if e.is_file()) if slot.is_dir() else 0
        if held + size > self.client_quota:
            raise Refused("stash_quota", MSG["quota"].format(minutes=max(1, round(self.ttl / 60))))
        with self._lock:
            if time.monotonic() - self._total[1] > 30:
                self._total[:] = [_folder_size(self.root), time.monotonic()]
            if self._total[0] + size > self.total_quota:
                raise Refused("stash_full", MSG["busy"])

    def sweep(self, now: float | None = None) -> int:
        """Remove the documents not shown for ``ttl`` seconds, empty slots, and uploads being received longer
        than that (left by a process that was killed); the bytes the stash still holds."""
        if self.root is None or not self.root.is_dir():
            return 0
        cutoff = (time.time() if now is None else now) - self.ttl
        for slot in os.scandir(self.root):
            if not slot.is_dir():
                continue
            for entry in os.scandir(slot.path):
                with contextlib.suppress(OSError):
                    if entry.stat().st_mtime < cutoff:
                        Path(entry.path).unlink()
            with contextlib.suppress(OSError):
                Path(slot.path).rmdir()  # only when empty
        incoming = self.root.parent / INCOMING
        if incoming.is_dir():
            for request in os.scandir(incoming):
                with contextlib.suppress(OSError):
                    if request.stat().st_mtime < cutoff:
                        shutil.rmtree(request.path, ignore_errors=True)
        total = _folder_size(self.root)
        with self._lock:
            self._total[:] = [total, time.monotonic()]
        return total

    def start_sweeping(self) -> None:
        """Sweep from a daemon thread, every quarter of ``ttl`` (at most every minute)."""

        def loop() -> None:
            while True:
                with contextlib.suppress(Exception):  # a failed sweep is tried again on the next round
                    self.sweep()
                time.sleep(max(0.5, min(60.0, self.ttl / 4)))

        threading.Thread(target=loop, name="mustafid-stash-sweep", daemon=True).start()


def _folder_size(root: Path) -> int:
    total = 0
    for dirpath, _, names in os.walk(root):
        for n in names:
            with contextlib.suppress(OSError):
                total += (Path(dirpath) / n).stat().st_size
    return total


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
