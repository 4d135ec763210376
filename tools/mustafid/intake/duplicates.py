"""A second open request of the same form from the same applicant is flagged, never refused.

The index holds open requests by (form, keyed hash of the applicant's national ID) in memory only. A sealed
record carries that hash itself (``lookup.applicant``, intake/sealed.py), so its ID need not be opened.
"""

from __future__ import annotations

import contextlib
import hashlib
import hmac
import threading
import time
from collections.abc import Mapping
from typing import Any

from mustafid.core.vocab import OPEN
from mustafid.forms.model import FormDef
from mustafid.records.format import parse_record
from mustafid.review.forges.local import LocalForge
from mustafid.store.git import PREFIX


def applicant_id_path(form: FormDef) -> str | None:
    """The applicant's national ID: the form's first national-ID field outside any repeat group."""
    return next((p for p, f in form.walk() if f.type == "national_id" and "." not in p), None)


class DuplicateIndex:
    """Open requests by (form, applicant's national ID), to flag a second open request of the same form.

    Built from the open submission branches, then kept current from our own writes at once and, by a
    background thread every ``REFRESH_SECONDS``, from what other writers (another server process, `mustafid
    submit`, a decision that closed a request) changed meanwhile. Reading those records never happens on a
    request's path.
    """

    REFRESH_SECONDS = 2.0

    def __init__(self, store: LocalForge, forms: Mapping[str, FormDef], secret: bytes = b"") -> None:
        self.store, self.forms = store, forms
        self.secret = secret  # the keyed hash's secret (store/vault.py); empty: a plain SHA-256 (tests)
        self.lock = threading.Lock()
        self.tips: dict[str, str] = {}
        self.keys: dict[str, tuple[str, str]] = {}   # branch -> (form, key)
        self.open: dict[tuple[str, str], set[str]] = {}
        self.checked = 0.0

    def key(self, national_id: str) -> str:
        if self.secret:
            return hmac.new(self.secret, national_id.encode(), hashlib.sha256).hexdigest()
        return hashlib.sha256(national_id.encode()).hexdigest()

    def _forget(self, branch: str) -> None:
        k = self.keys.pop(branch, None)
        if k:
            self.open.get(k, set()).discard(branch[len(PREFIX):])

    def _read(self, changed: Mapping[str, str]) -> dict[str, dict[str, Any] | None]:
        """The records at the tips of ``changed`` branches (None: no record, or one that does not parse)."""
        parsed: dict[str, dict[str, Any] | None] = dict.fromkeys(changed)
        if changed:
            paths = self.store.record_paths(changed)
            order = [b for b in changed if b in paths]
            blobs = self.store.read_many([f"{changed[b]}:{paths[b]}" for b in order])
            for b, blob in zip(order, blobs, strict=True):
                try:
                    parsed[b] = parse_record(blob.decode("utf-8")) if blob is not None else None
                except (ValueError, UnicodeDecodeError):
                    parsed[b] = None
        return parsed

    def refresh(self) -> None:
        """Catch up with branches created, moved or deleted by other writers. The git reads and the parsing
        happen outside the lock; only applying the result holds it."""
        with self.lock:
            known = dict(self.tips)
        tips = self.store.branches()
        changed = {b: t for b, t in tips.items() if known.get(b) != t}
        parsed = self._read(changed)
        with self.lock:
            for b in set(self.tips) - set(tips):
                self._forget(b)
                self.tips.pop(b, None)
            for b, rec in parsed.items():
                if self.tips.get(b) not in (known.get(b), changed[b]):
                    continue  # moved again by our own write meanwhile: that one is newer
                self.tips[b] = changed[b]
                self._forget(b)
                if rec is not None:
                    self._add(b, rec)
            self.checked = time.monotonic()

    def _add(self, branch: str, rec: Mapping[str, Any]) -> None:
        form = self.forms.get(str(rec.get("form")))
        if form is None or rec.get("status") not in OPEN:
            return
        path = applicant_id_path(form)
        nid = (rec.get("data") or {}).get(path) if path else None
        hashed = (rec.get("lookup") or {}).get("applicant")
        if isinstance(hashed, str) and hashed:
            k = (form.id, hashed)
        elif isinstance(nid, str) and nid and not nid.startswith("enc:"):
            k = (form.id, self.key(nid))
        else:
            return
        self.keys[branch] = k
        self.open.setdefault(k, set()).add(branch[len(PREFIX):])

    def open_ids(self, form: FormDef, data: Mapping[str, Any]) -> list[str]:
        path = applicant_id_path(form)
        nid = data.get(path) if path else None
        if not isinstance(nid, str) or not nid:
            return []
        if not self.checked:
            self.refresh()
        with self.lock:
            return sorted(self.open.get((form.id, self.key(nid)), ()))

    def start_background(self) -> None:
        """Build the index now and keep it current from a daemon thread (the web intake; the CLI refreshes
        once per run)."""

        def loop() -> None:
            while True:
                with contextlib.suppress(Exception):  # a failed refresh is retried on the next round
                    self.refresh()
                time.sleep(self.REFRESH_SECONDS)

        threading.Thread(target=loop, name="mustafid-duplicates", daemon=True).start()

    def added(self, branch: str, tip: str, rec: Mapping[str, Any]) -> None:
        with self.lock:
            self.tips[branch] = tip
            self._add(branch, rec)
