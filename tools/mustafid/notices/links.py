"""The signed, expiring link a request for information carries: it lets the applicant open the page that takes
the missing documents or answers for that one request, until its date, and nothing else. HMAC-SHA256 over the
record id, which request for information it answers, and the last day it works; a forged, altered or expired
link is refused with one generic message (the caller says it; nothing tells which check failed)."""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import hmac
import os
from pathlib import Path

from mustafid.core.period import riyadh_today
from mustafid.store.secretfile import secret_file

LINK_DAYS = 14  # how long a completion link works


def link_secret(git_dir: Path) -> bytes:
    """``$MUSTAFID_LINK_SECRET`` (a team whose staff send from their own clones shares one), else
    ``<git dir>/mustafid/link-secret``, made by the first process to need it."""
    env = os.environ.get("MUSTAFID_LINK_SECRET")
    if env:
        return env.encode()
    return secret_file(Path(git_dir) / "mustafid" / "link-secret")


def _b64(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def make_token(secret: bytes, record_id: str, n: int, expires: dt.date) -> str:
    payload = f"{record_id}|{n}|{expires.isoformat()}".encode()
    mac = hmac.new(secret, b"complete|" + payload, hashlib.sha256).digest()[:18]
    return f"{_b64(payload)}.{_b64(mac)}"


def check_token(secret: bytes, token: str, today: dt.date) -> tuple[str, int] | None:
    """(record id, which request for information) for a genuine link still in date; None otherwise."""
    try:
        payload_b64, mac_b64 = token.split(".")
        payload = _unb64(payload_b64)
        good = hmac.new(secret, b"complete|" + payload, hashlib.sha256).digest()[:18]
        if not hmac.compare_digest(good, _unb64(mac_b64)):
            return None
        rid, n, expires = payload.decode().split("|")
        if today > dt.date.fromisoformat(expires):
            return None
        return rid, int(n)
    except (ValueError, UnicodeDecodeError):
        return None


def completion_link(assoc: object, secret: bytes, record_id: str, n: int, lang: str,
                    today: dt.date | None = None) -> tuple[str, dt.date]:
    """(the link, its last day) for the n-th request for information on a record."""
    expires = (today or riyadh_today()) + dt.timedelta(days=LINK_DAYS)
    base = (getattr(assoc, "intake_url", "") or getattr(assoc, "site_url", "")).rstrip("/")
    prefix = "" if lang == "ar" else "/en"
    return f"{base}{prefix}/complete/?t={make_token(secret, record_id, n, expires)}", expires
