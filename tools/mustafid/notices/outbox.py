"""The outbox: one JSON file per notice in a folder per state, moved between them by rename, so a notice is
sent once even when the sender dies mid-way.

    pending/   queued, waiting for its time (``next_at``)
    sending/   claimed by one sender: renamed to ``<pid>~<key>.json`` (atomic: two senders never hold the same
               notice, and the file's name says whose it is)
    sent/      delivered (``history`` says whether the record's history notes it yet)
    staff/     for staff to handle: retries spent, no way to reach the person, or interrupted while sending

A notice found in ``sending/`` when a sender starts was interrupted between the claim and the end of the send:
it may have gone out. It is never sent again by itself (that could send it twice); it goes to ``staff/`` with
why, to be checked and resent by hand (``mustafid notices resend``). Nothing is ever dropped silently.
The folder holds addresses and texts: it lives beside the repository (``<git dir>/mustafid/outbox``), never in git.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import os
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from mustafid.notices.render import Notice
from mustafid.store.durable import fsync_folder

STATES = ("pending", "sending", "sent", "staff")
RETRIES = 5           # attempts before a notice is listed for staff
BACKOFF_S = (60, 300, 1800, 7200)  # waits between attempts


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC).replace(microsecond=0)


def _fsync_dir(path: Path) -> None:
    fsync_folder(path)


def _alive(pid: int) -> bool:
    if pid <= 0:
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


@dataclass
class Entry:
    notice: Notice
    state: str
    attempts: int = 0
    next_at: str = ""
    errors: tuple[str, ...] = ()
    history: bool = False      # the record's history notes it (sent/ only)
    via: str = ""              # the sender that delivered it

    def as_json(self) -> bytes:
        return json.dumps({"notice": self.notice.as_dict(), "attempts": self.attempts, "next_at": self.next_at,
                           "errors": list(self.errors), "history": self.history, "via": self.via},
                          ensure_ascii=False, indent=1).encode()


class Outbox:
    def __init__(self, root: Path) -> None:
        self.root = Path(root)
        for state in (*STATES, "tmp"):
            (self.root / state).mkdir(parents=True, exist_ok=True)

    @classmethod
    def beside(cls, git_dir: Path) -> Outbox:
        """``$MUSTAFID_OUTBOX``, else ``<git dir>/mustafid/outbox``."""
        env = os.environ.get("MUSTAFID_OUTBOX")
        return cls(Path(env) if env else Path(git_dir) / "mustafid" / "outbox")

    def _path(self, state: str, key: str, owner: int = 0) -> Path:
        if "/" in key or "~" in key or key.startswith("."):
            raise ValueError(f"bad notice key {key!r}")
        if state == "sending":  # this process's claim, unless another owner is named
            return self.root / state / f"{owner or os.getpid()}~{key}.json"
        return self.root / state / f"{key}.json"

    def _held(self) -> list[tuple[int, str]]:
        """(owner pid, key) of every notice some sender holds."""
        out = []
        for p in (self.root / "sending").glob("*~*.json"):
            owner, _, key = p.name[:-5].partition("~")
            if owner.isdigit():
                out.append((int(owner), key))
        return sorted(out)

    def state_of(self, key: str) -> str | None:
        if any(k == key for _o, k in self._held()):
            return "sending"
        return next((s for s in STATES if s != "sending" and self._path(s, key).exists()), None)

    def _write(self, state: str, entry: Entry, *, replace: bool) -> bool:
        tmp = self.root / "tmp" / f"{entry.notice.key}.{os.getpid()}"
        with tmp.open("wb") as fh:
            fh.write(entry.as_json())
            fh.flush()
            os.fsync(fh.fileno())
        target = self._path(state, entry.notice.key)
        try:
            if replace:
                tmp.replace(target)
            else:
                os.link(tmp, target)  # create-only: the same notice queued twice is one
        except FileExistsError:
            return False
        finally:
            with contextlib.suppress(FileNotFoundError):
                tmp.unlink()
        _fsync_dir(target.parent)
        return True

    def add(self, notice: Notice, when: dt.datetime | None = None) -> bool:
        """Queue a notice; False if one with its key was ever queued (whatever became of it)."""
        if self.state_of(notice.key) is not None:
            return False
        return self._write("pending", Entry(notice, "pending", next_at=(when or _now()).isoformat()), replace=False)

    def _move(self, key: str, src: str, dst: str, owner: int = 0) -> bool:
        try:
            self._path(src, key, owner).rename(self._path(dst, key, owner))
        except FileNotFoundError:
            return False
        _fsync_dir(self.root / dst)
        _fsync_dir(self.root / src)
        return True

    def read(self, state: str, key: str, owner: int = 0) -> Entry:
        raw: dict[str, Any] = json.loads(self._path(state, key, owner).read_bytes())
        return Entry(Notice(**raw["notice"]), state, int(raw.get("attempts", 0)), str(raw.get("next_at", "")),
                     tuple(raw.get("errors") or ()), bool(raw.get("history")), str(raw.get("via", "")))

    def keys(self, state: str) -> list[str]:
        if state == "sending":
            return [k for _o, k in self._held()]
        return sorted(p.name[:-5] for p in (self.root / state).glob("*.json"))

    def entries(self, state: str) -> Iterator[Entry]:
        if state == "sending":
            for owner, key in self._held():
                with contextlib.suppress(FileNotFoundError):
                    yield self.read(state, key, owner)
            return
        for key in self.keys(state):
            with contextlib.suppress(FileNotFoundError):
                yield self.read(state, key)

    def due(self, now: dt.datetime | None = None) -> list[str]:
        now = now or _now()
        return [e.notice.key for e in self.entries("pending") if dt.datetime.fromisoformat(e.next_at) <= now]

    def claim(self, key: str) -> Entry | None:
        """pending -> sending (as this process's), or None when another sender took it first."""
        return self.read("sending", key) if self._move(key, "pending", "sending") else None

    def sent(self, entry: Entry, via: str) -> None:
        entry.via, entry.state = via, "sent"
        self._write("sending", entry, replace=True)
        self._move(entry.notice.key, "sending", "sent")

    def failed(self, entry: Entry, error: str, permanent: bool = False, now: dt.datetime | None = None) -> str:
        """A send that failed: back to pending after a wait, or to staff once retries are spent (or at once
        when no retry can help). Returns the state it went to."""
        entry.attempts += 1
        entry.errors = (*entry.errors, error[:300])
        if permanent or entry.attempts >= RETRIES:
            self._write("sending", entry, replace=True)
            self._move(entry.notice.key, "sending", "staff")
            return "staff"
        wait = BACKOFF_S[min(entry.attempts - 1, len(BACKOFF_S) - 1)]
        entry.next_at = ((now or _now()) + dt.timedelta(seconds=wait)).isoformat()
        self._write("sending", entry, replace=True)
        self._move(entry.notice.key, "sending", "pending")
        return "pending"

    def noted(self, entry: Entry) -> None:
        """The record's history now says this notice was sent."""
        entry.history = True
        self._write("sent", entry, replace=True)

    def recover(self) -> list[str]:
        """Notices a sender held when it died: to staff, never resent by themselves (they may have gone out)."""
        moved = []
        me = os.getpid()
        for owner, key in self._held():
            if owner != me and _alive(owner):
                continue  # another live sender holds it (several server processes share one outbox)
            try:
                entry = self.read("sending", key, owner)
            except FileNotFoundError:
                continue
            entry.errors = (*entry.errors, "interrupted while sending: it may have been sent; check before resending")
            self._write_held(entry, owner)
            if self._move(key, "sending", "staff", owner):
                moved.append(key)
        return moved

    def _write_held(self, entry: Entry, owner: int) -> None:
        tmp = self.root / "tmp" / f"{entry.notice.key}.{os.getpid()}"
        with tmp.open("wb") as fh:
            fh.write(entry.as_json())
            fh.flush()
            os.fsync(fh.fileno())
        tmp.replace(self._path("sending", entry.notice.key, owner))

    def resend(self, key: str) -> bool:
        """Staff checked a notice listed for them: queue it again now."""
        if not self._path("staff", key).exists():
            return False
        entry = self.read("staff", key)
        entry.attempts, entry.next_at = 0, _now().isoformat()
        self._write("staff", entry, replace=True)
        return self._move(key, "staff", "pending")
