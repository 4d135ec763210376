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
import shutil
import threading
import time
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from mustafid.core.text import same_secret
from mustafid.intake.messages import MSG
from mustafid.intake.posted import Refused
from mustafid.intake.uploads import Document, Spooled, Upload
from mustafid.store.secretfile import secret_file

MAX_AGE = 86400  # seconds a token is good for (and a stashed document kept) by default
INCOMING = "incoming"  # <git dir>/mustafid/incoming/<request>: uploads being received


class Stash:
    """Tokens for documents held between the check and confirm steps, and (with a ``root``) the files."""

    def __init__(self, secret: bytes, root: Path | None = None, *, ttl: float = MAX_AGE,
                 client_quota: int = 50_000_000, total_quota: int = 2_000_000_000, slot: str = "anyone",
                 sealed: bool = False) -> None:
        self.secret, self.root, self.ttl = secret, root, ttl
        # sealed (the association seals personal data): each document waits encrypted with its own key, which
        # only its token carries (the applicant's page), so the server's disk never holds it in clear
        self.sealed = sealed
        self.client_quota, self.total_quota, self.slot = client_quota, total_quota, slot
        self._total = [0, 0.0]  # bytes held by every slot, when it was last counted (shared by for_client)
        self._lock = threading.Lock()

    def for_client(self, client: str) -> Stash:
        """The same stash, keeping new documents in ``client``'s slot (a keyed hash: no address on disk)."""
        bound = Stash(self.secret, self.root, ttl=self.ttl, client_quota=self.client_quota,
                      total_quota=self.total_quota, slot=self._sign("slot:" + client)[:20], sealed=self.sealed)
        bound._total, bound._lock = self._total, self._lock
        return bound

    def _sign(self, body: str) -> str:
        return hmac.new(self.secret, body.encode(), hashlib.sha256).hexdigest()[:32]

    def token(self, doc: Mapping[str, Any]) -> str:
        body = base64.urlsafe_b64encode(json.dumps(
            [doc["field"], doc["name"], doc["type"], int(doc["size"]), doc["sha256"], int(time.time()), self.slot,
             doc.get("key", "")],
            ensure_ascii=False, separators=(",", ":")).encode()).decode().rstrip("=")
        return f"{body}.{self._sign(body)}"

    def _open(self, token: str, max_age: float | None) -> tuple[Document, str, str] | None:
        body, _, sig = token.partition(".")
        if not sig or not same_secret(sig, self._sign(body)):
            return None
        try:
            f, name, typ, size, sha, at, *rest = json.loads(base64.urlsafe_b64decode(body + "=" * (-len(body) % 4)))
        except (ValueError, TypeError):
            return None
        if time.time() - at > (self.ttl if max_age is None else max_age):
            return None
        slot, key = (str(x) for x in [*rest, "", ""][:2])
        return {"field": f, "name": name, "type": typ, "size": size, "sha256": sha}, slot, key

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
        doc, slot, key = opened
        path = self._path(slot, _sealed_name(key, doc["sha256"]) if key else doc["sha256"])
        if path is None or not path.is_file():
            return doc, None
        mine = self._path(self.slot, _sealed_name(key, doc["sha256"]) if key else doc["sha256"])
        if mine is not None and mine != path:
            self._check_quota(doc["sha256"], int(doc["size"]))
            mine.parent.mkdir(parents=True, exist_ok=True)
            with contextlib.suppress(FileExistsError):
                os.link(path, mine)
            path = mine
        with contextlib.suppress(OSError):
            os.utime(path)
            if key:  # sealed while it waited: opened in memory with the key its token carries
                from mustafid.records.sealing import decrypt_bytes

                try:
                    clear = decrypt_bytes(base64.b64decode(key), path.read_bytes(), f"stash|{doc['sha256']}")
                except Exception:
                    return doc, None
                return {**doc, "key": key}, Upload(doc["field"], doc["name"], doc["type"], content=clear)  # type: ignore[typeddict-unknown-key]
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
        if self.sealed:  # encrypted with a key of its own, which only the token carries
            from mustafid.records.sealing import encrypt_bytes

            key = os.urandom(32)
            target = self._path(self.slot, _sealed_name(base64.b64encode(key).decode(), doc["sha256"])) or target
            content = upload.content or (upload.spooled.path.read_bytes() if upload.spooled else b"")
            tmp = target.with_name(f".{target.name}.{os.getpid()}.{threading.get_ident()}")
            tmp.write_bytes(encrypt_bytes(key, content, f"stash|{doc['sha256']}"))
            tmp.replace(target)
            doc = {**doc, "key": base64.b64encode(key).decode()}  # type: ignore[typeddict-unknown-key]
        elif upload.spooled is not None:
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
                self._total[:] = [folder_size(self.root), time.monotonic()]
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
        total = folder_size(self.root)
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


def _sealed_name(key: str, sha256: str) -> str:
    """A sealed document's file name in the stash: its own per key (the same bytes kept twice are two files)."""
    return hashlib.sha256(f"{key}|{sha256}".encode()).hexdigest()


def folder_size(root: Path) -> int:
    """The bytes of the files under ``root`` (files may vanish while it counts: the sweeper removes them)."""
    total = 0
    for dirpath, _, names in os.walk(root):
        for n in names:
            with contextlib.suppress(OSError):
                total += (Path(dirpath) / n).stat().st_size
    return total


def intake_secret(git_dir: Path) -> bytes:
    """The servers' signing secret (``<git dir>/mustafid/intake-secret``), made by the first process to need it."""
    return secret_file(git_dir / "mustafid" / "intake-secret")
