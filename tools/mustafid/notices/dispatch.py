"""Sending what the outbox holds: each due notice claimed, sent by the sender of its channel, marked sent or
failed (retried with backoff, then listed for staff), and noted in the record's history. One plain function
the server's background thread, `mustafid notices send` and the tests all call."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

from mustafid.notices.outbox import Outbox
from mustafid.notices.render import Notice
from mustafid.notices.senders import Sender, SendError

Note = Callable[[Notice, str], object]  # (notice, via) -> the history commit (notices/history.note_sent)


@dataclass
class Delivery:
    sent: list[str] = field(default_factory=list)
    retrying: list[str] = field(default_factory=list)
    staff: list[str] = field(default_factory=list)
    interrupted: list[str] = field(default_factory=list)  # found mid-send at start: listed for staff


def deliver(outbox: Outbox, senders: Mapping[str, Sender], note: Note | None = None,
            now: dt.datetime | None = None, limit: int | None = None) -> Delivery:
    """One pass over the outbox: notices a dead sender held go to staff, then every due notice is sent once."""
    out = Delivery(interrupted=outbox.recover())
    for key in outbox.due(now)[:limit]:
        entry = outbox.claim(key)
        if entry is None:
            continue  # another sender took it
        sender = senders.get(entry.notice.channel)
        if sender is None:
            outbox.failed(entry, f"no sender for the channel {entry.notice.channel}", permanent=True)
            out.staff.append(key)
            continue
        try:
            sender.send(entry.notice)
        except SendError as exc:
            state = outbox.failed(entry, str(exc), exc.permanent, now)
            (out.staff if state == "staff" else out.retrying).append(key)
            continue
        outbox.sent(entry, sender.name)
        out.sent.append(key)
    if note is not None:
        note_history(outbox, note)
    return out


def note_history(outbox: Outbox, note: Note) -> int:
    """Sent notices the record's history does not note yet, noted (a failure is retried on the next pass and
    never resends the notice)."""
    done = 0
    for entry in list(outbox.entries("sent")):
        if entry.history:
            continue
        try:
            if note(entry.notice, entry.via) is None:
                continue
        except Exception:  # the branch moved under us, the store is away: the next pass tries again
            continue
        outbox.noted(entry)
        done += 1
    return done
