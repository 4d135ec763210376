"""The senders by channel, from association.yml's ``notices`` (and the environment for secrets)."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from mustafid.notices.letter import LetterSender
from mustafid.notices.senders import FolderSender, Sender, SmtpSender
from mustafid.notices.sms import sms_sender


def senders_from_config(assoc: Any, outbox_root: Path) -> dict[str, Sender]:
    """The senders by channel: the outbox folder for every channel unless association.yml's ``notices`` names
    an SMTP server (email) or an SMS provider (sms); letters are always PDF files for staff to print."""
    domain = (assoc.email or "").partition("@")[2] or "mustafid.invalid"
    folder = FolderSender(outbox_root / "delivered", domain)
    out: dict[str, Sender] = {"email": folder, "sms": folder, "letter": LetterSender(assoc, outbox_root / "letters")}
    conf = assoc.notices or {}
    if "email" in conf:
        e = conf["email"]
        out["email"] = SmtpSender(e["host"], int(e.get("port", 587)), e["from"], bool(e.get("starttls", True)),
                                  os.environ.get("MUSTAFID_SMTP_USER", ""),
                                  os.environ.get("MUSTAFID_SMTP_PASSWORD", ""))
    if "sms" in conf:
        out["sms"] = sms_sender(conf["sms"])
    return out
