"""The senders a notice goes out by: the outbox folder (the embedded default: no account needed), SMTP for email,
an SMS provider (notices/sms.py) and the printable letter (notices/letter.py). Each raises SendError saying
whether a retry can help; the dispatcher (notices/dispatch.py) keeps the outbox's state."""

from __future__ import annotations

import smtplib
import ssl
from email.message import EmailMessage
from email.utils import format_datetime, formataddr
from pathlib import Path
from typing import Any, Protocol

from mustafid.notices.render import Notice


class SendError(Exception):
    """A send that failed; ``permanent``: retrying cannot help (a refused address, no number)."""

    def __init__(self, message: str, permanent: bool = False) -> None:
        super().__init__(message)
        self.permanent = permanent


class Sender(Protocol):
    name: str

    def send(self, notice: Notice) -> None: ...


def email_message(notice: Notice, sender: str, domain: str) -> EmailMessage:
    """The notice as an email; its Message-ID is the notice's key, so a copy is recognisably the same notice."""
    import datetime as dt

    msg = EmailMessage()
    msg["From"] = sender
    msg["To"] = formataddr((notice.name, notice.to)) if notice.channel == "email" else notice.to
    msg["Subject"] = notice.subject
    msg["Message-ID"] = f"<{notice.key}@{domain}>"
    msg["Date"] = format_datetime(dt.datetime.now(dt.UTC))
    msg.set_content(notice.body, charset="utf-8")
    msg["Content-Language"] = notice.lang  # after set_content, which replaces the Content-* headers
    return msg


class FolderSender:
    """The embedded default: each notice written as a message file in ``<outbox>/delivered/`` for staff to pass
    on (print, read out on the phone, forward); nothing leaves the machine."""

    name = "outbox"

    def __init__(self, folder: Path, domain: str = "mustafid.invalid") -> None:
        self.folder = Path(folder)
        self.folder.mkdir(parents=True, exist_ok=True)
        self.domain = domain

    def send(self, notice: Notice) -> None:
        text = email_message(notice, f"notices@{self.domain}", self.domain).as_bytes()
        tmp = self.folder / f".{notice.key}.tmp"
        tmp.write_bytes(text)
        tmp.replace(self.folder / f"{notice.key}.eml")


class SmtpSender:
    """Email through an SMTP server (``notices.email`` in association.yml; the login, if any, from
    ``$MUSTAFID_SMTP_USER`` and ``$MUSTAFID_SMTP_PASSWORD``, never from the public config)."""

    name = "smtp"

    def __init__(self, host: str, port: int = 587, sender: str = "", starttls: bool = True,
                 user: str = "", password: str = "", timeout: float = 20.0, domain: str = "") -> None:
        self.host, self.port, self.sender, self.starttls = host, port, sender, starttls
        self.user, self.password, self.timeout = user, password, timeout
        self.domain = domain or sender.partition("@")[2] or "mustafid.invalid"

    def send(self, notice: Notice) -> None:
        if notice.channel != "email" or "@" not in notice.to:
            raise SendError("no email address to send to", permanent=True)
        msg = email_message(notice, self.sender, self.domain)
        try:
            with smtplib.SMTP(self.host, self.port, timeout=self.timeout) as smtp:
                if self.starttls:
                    smtp.starttls(context=ssl.create_default_context())
                if self.user:
                    smtp.login(self.user, self.password)
                refused = smtp.send_message(msg)
        except smtplib.SMTPRecipientsRefused as exc:
            raise SendError(f"the server refused the address ({_codes(exc.recipients)})", permanent=True) from exc
        except smtplib.SMTPResponseException as exc:
            raise SendError(f"the server answered {exc.smtp_code}", permanent=500 <= exc.smtp_code < 600) from exc
        except (OSError, smtplib.SMTPException) as exc:
            raise SendError(f"the mail server could not be reached: {type(exc).__name__}") from exc
        if refused:
            raise SendError(f"the server refused the address ({_codes(refused)})", permanent=True)


def _codes(recipients: dict[str, Any]) -> str:
    return ", ".join(str(v[0]) for v in recipients.values())  # the codes only: the address is personal
