"""What the notices' tests share: a real SMTP server on loopback (aiosmtpd) that keeps what it receives, and
records in clear for both associations."""

from __future__ import annotations

import asyncio
import copy
import email
import email.policy
import socket
import threading
from dataclasses import dataclass, field
from email.message import EmailMessage
from typing import Any

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import SMTP, Envelope, Session

AT = "2026-11-23T10:15:00+03:00"


@dataclass
class Inbox:
    """The messages the server accepted; ``delay``: seconds each DATA takes (to kill a sender mid-batch);
    ``refuse``: recipients answered 550."""

    messages: list[EmailMessage] = field(default_factory=list)
    delay: float = 0.0
    refuse: set[str] = field(default_factory=set)
    lock: threading.Lock = field(default_factory=threading.Lock)

    async def handle_RCPT(self, _server: SMTP, _session: Session, envelope: Envelope, address: str,
                          _rcpt_options: list[str]) -> str:
        if address in self.refuse:
            return "550 5.1.1 mailbox unavailable"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, _server: SMTP, _session: Session, envelope: Envelope) -> str:
        if self.delay:
            await asyncio.sleep(self.delay)
        msg = email.message_from_bytes(envelope.original_content or b"", policy=email.policy.default)
        with self.lock:
            self.messages.append(msg)  # type: ignore[arg-type]
        return "250 Message accepted"

    def ids(self) -> list[str]:
        with self.lock:
            return [str(m["Message-ID"]) for m in self.messages]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def smtp_server(inbox: Inbox) -> Controller:
    """aiosmtpd on 127.0.0.1 (a free port: its readiness check connects to the port it was given)."""
    ctl = Controller(inbox, hostname="127.0.0.1", port=free_port())
    ctl.start()
    return ctl


def record(rid: str = "K7M3-9QXD", form: str = "support-request", lang: str = "ar", **over: Any) -> dict[str, Any]:
    data = {"first_name": "سارة", "father_name": "عبد الله", "family_name": "الحربي", "mobile": "+966551234567",
            "email": "sara@example.com"}
    r: dict[str, Any] = {"id": rid, "form": form, "status": "received", "submitted_at": AT, "lang": lang,
                         "data": data, "info_requests": [], "decision": None, "service": None}
    r.update(copy.deepcopy(over))
    return r
