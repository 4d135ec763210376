"""Notices sent through a real SMTP server on loopback (aiosmtpd), from the outbox with its state: sent once,
retried when the server is away, listed for staff when the address is refused, and never twice after the
sending process is killed with SIGKILL in the middle of a batch."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest

from mustafid.config.association import load_association
from mustafid.notices.dispatch import deliver
from mustafid.notices.outbox import RETRIES, Outbox
from mustafid.notices.render import contact_of, render
from mustafid.notices.senders import FolderSender, SmtpSender
from tests.helpers import EXAMPLES, ROOT
from tests.notices.util import Inbox, free_port, record, smtp_server


@pytest.fixture(params=sorted(EXAMPLES))
def assoc(request: pytest.FixtureRequest) -> Any:
    return load_association(EXAMPLES[request.param])


@pytest.fixture
def inbox() -> Any:
    box = Inbox()
    ctl = smtp_server(box)
    yield box, ctl.port
    ctl.stop()


def notice(assoc: Any, n: int, lang: str = "ar", email: str = "") -> Any:
    r = record(rid=f"K7M3-{n:04d}", lang=lang)
    if email:
        r["data"]["email"] = email
    return render(assoc, r, "receipt", contact_of(r))


def test_email_reaches_a_real_smtp_server_in_the_applicants_language(assoc: Any, inbox: Any,
                                                                     tmp_path: Path) -> None:
    box, port = inbox
    outbox = Outbox(tmp_path / "outbox")
    for n, lang in ((1, "ar"), (2, "en")):
        assert outbox.add(notice(assoc, n, lang))
        assert not outbox.add(notice(assoc, n, lang))  # queued twice: one notice
    smtp = SmtpSender("127.0.0.1", port, "notices@assoc.example", starttls=False)
    result = deliver(outbox, {"email": smtp})
    assert sorted(result.sent) == ["K7M3-0001.receipt.1", "K7M3-0002.receipt.1"]
    by_id = {str(m["Message-ID"]): m for m in box.messages}
    ar, en = by_id["<K7M3-0001.receipt.1@assoc.example>"], by_id["<K7M3-0002.receipt.1@assoc.example>"]
    assert "استلمنا طلبك" in str(ar["Subject"]) and ar["Content-Language"] == "ar"
    assert "We received your request" in str(en["Subject"])
    assert "سارة" in ar.get_content() and "K7M3-0001" in ar.get_content()
    assert deliver(outbox, {"email": smtp}).sent == []  # nothing sent twice
    assert len(box.messages) == 2 and outbox.keys("sent") == sorted(result.sent)


def test_a_server_away_is_retried_and_a_refused_address_goes_to_staff(assoc: Any, inbox: Any,
                                                                       tmp_path: Path) -> None:
    import datetime as dt

    box, port = inbox
    box.refuse.add("bounce@example.com")
    outbox = Outbox(tmp_path / "outbox")
    outbox.add(notice(assoc, 1))
    outbox.add(notice(assoc, 2, email="bounce@example.com"))
    away = SmtpSender("127.0.0.1", free_port(), "n@assoc.example", starttls=False, timeout=2)
    first = deliver(outbox, {"email": away})
    assert sorted(first.retrying) == ["K7M3-0001.receipt.1", "K7M3-0002.receipt.1"] and box.messages == []
    assert outbox.due() == []  # waiting for its backoff
    later = dt.datetime.now(dt.UTC) + dt.timedelta(days=1)
    smtp = SmtpSender("127.0.0.1", port, "n@assoc.example", starttls=False)
    second = deliver(outbox, {"email": smtp}, now=later)
    assert second.sent == ["K7M3-0001.receipt.1"] and second.staff == ["K7M3-0002.receipt.1"]
    staff = next(outbox.entries("staff"))
    assert staff.attempts == 2 and "refused" in staff.errors[-1] and "bounce" not in staff.errors[-1]
    # retries spent: listed for staff, never silently dropped
    outbox.add(notice(assoc, 3))
    for i in range(RETRIES):
        deliver(outbox, {"email": away}, now=later + dt.timedelta(days=i + 1))
    assert outbox.state_of("K7M3-0003.receipt.1") == "staff"


def test_the_embedded_default_writes_every_notice_to_the_outbox_folder(assoc: Any, tmp_path: Path) -> None:
    from mustafid.notices.channels import senders_from_config

    outbox = Outbox(tmp_path / "outbox")
    senders = senders_from_config(assoc, outbox.root)
    assert isinstance(senders["email"], FolderSender) and isinstance(senders["sms"], FolderSender)
    outbox.add(notice(assoc, 1))
    assert deliver(outbox, senders).sent == ["K7M3-0001.receipt.1"]
    written = (outbox.root / "delivered" / "K7M3-0001.receipt.1.eml").read_bytes()
    assert b"K7M3-0001" in written and outbox.read("sent", "K7M3-0001.receipt.1").via == "outbox"


CHILD = """
import sys
from mustafid.notices.dispatch import deliver
from mustafid.notices.outbox import Outbox
from mustafid.notices.senders import SmtpSender
print("ready", flush=True)
deliver(Outbox(sys.argv[1]), {"email": SmtpSender("127.0.0.1", int(sys.argv[2]), "n@assoc.example", starttls=False)})
"""


def test_the_outbox_survives_sigkill_without_sending_twice(assoc: Any, inbox: Any, tmp_path: Path) -> None:
    box, port = inbox
    box.delay = 0.05  # each message takes a while, so the kill lands mid-batch
    outbox = Outbox(tmp_path / "outbox")
    keys = [notice(assoc, n).key for n in range(40) if outbox.add(notice(assoc, n))]
    env = {**os.environ, "PYTHONPATH": str(ROOT / "tools")}
    child = subprocess.Popen([sys.executable, "-c", CHILD, str(outbox.root), str(port)], env=env,
                             stdout=subprocess.PIPE)
    assert child.stdout is not None and child.stdout.readline().strip() == b"ready"
    deadline = time.monotonic() + 30
    while len(box.ids()) < 10 and time.monotonic() < deadline:
        time.sleep(0.01)
    child.send_signal(signal.SIGKILL)
    child.wait()
    got_before = len(box.ids())
    assert 10 <= got_before < 40, "the kill did not land mid-batch"

    result = deliver(outbox, {"email": SmtpSender("127.0.0.1", port, "n@assoc.example", starttls=False)})
    ids = box.ids()
    assert len(ids) == len(set(ids)), "a notice was sent twice"
    sent, staff = set(outbox.keys("sent")), set(outbox.keys("staff"))
    assert sent | staff == set(keys) and not sent & staff and outbox.keys("pending") == []
    assert {f"<{k}@assoc.example>" for k in sent} <= set(ids)
    assert staff == set(result.interrupted) and len(staff) <= 1  # the one it held: for staff to check
    for key in staff:
        assert "interrupted" in outbox.read("staff", key).errors[-1]


def test_a_live_senders_claim_is_left_alone_and_a_dead_ones_goes_to_staff(assoc: Any, tmp_path: Path) -> None:
    """Several server processes share one outbox: a notice another live process holds is not taken from it."""
    outbox = Outbox(tmp_path / "outbox")
    outbox.add(notice(assoc, 1))
    other = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"])
    try:
        (outbox.root / "pending" / "K7M3-0001.receipt.1.json").rename(
            outbox.root / "sending" / f"{other.pid}~K7M3-0001.receipt.1.json")  # as that process's claim
        assert outbox.state_of("K7M3-0001.receipt.1") == "sending"
        assert deliver(outbox, {"email": FolderSender(tmp_path / "folder")}).interrupted == []
        assert outbox.keys("sending") == ["K7M3-0001.receipt.1"]
    finally:
        other.kill()
        other.wait()
    assert deliver(outbox, {"email": FolderSender(tmp_path / "folder")}).interrupted == ["K7M3-0001.receipt.1"]
    assert outbox.state_of("K7M3-0001.receipt.1") == "staff" and list((tmp_path / "folder").glob("*.eml")) == []
