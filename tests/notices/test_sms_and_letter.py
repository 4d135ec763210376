"""The SMS adapter against a real HTTP server on loopback and the printable letter's PDF.

The SMS provider's API cannot be reached from here (no account, no network): the server below is a TEST DOUBLE
of the Unifonic-shaped REST call the adapter speaks (form POST of AppSid, SenderID, Recipient, Body; JSON
answer), on 127.0.0.1. The letter is a real PDF made by WeasyPrint; its text is extracted with pypdf and read."""

from __future__ import annotations

import datetime as dt
import io
import json
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any, ClassVar
from urllib.parse import parse_qs

import pytest

from mustafid.config.association import load_association
from mustafid.notices.dispatch import deliver
from mustafid.notices.letter import letter_pdf
from mustafid.notices.outbox import Outbox
from mustafid.notices.render import Contact, render
from mustafid.notices.sms import UnifonicSms, sms_sender
from tests.helpers import EXAMPLES
from tests.notices.util import free_port, record


class FakeProvider(BaseHTTPRequestHandler):
    """TEST DOUBLE of the SMS provider: records each message; answers as told by ``mode``."""

    received: ClassVar[list[dict[str, str]]] = []
    mode: ClassVar[str] = "ok"

    def do_POST(self) -> None:
        body = self.rfile.read(int(self.headers.get("content-length", 0))).decode()
        form = {k: v[0] for k, v in parse_qs(body).items()}
        if self.path != "/rest/SMS/messages":
            self._answer(404, {"success": False, "errorCode": "ER-404"})
        elif self.mode == "down":
            self._answer(503, {"success": False})
        elif form.get("AppSid") != "token-1" or self.mode == "refuse":
            self._answer(200, {"success": False, "errorCode": "ER-01", "message": "refused"})
        else:
            type(self).received.append(form)
            self._answer(200, {"success": True, "errorCode": "ER-00", "data": {"MessageID": len(self.received)}})

    def _answer(self, status: int, payload: dict[str, Any]) -> None:
        data = json.dumps(payload).encode()
        self.send_response(status)
        self.send_header("content-type", "application/json")
        self.send_header("content-length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, *_: Any) -> None:
        return


@pytest.fixture
def provider() -> Iterator[str]:
    FakeProvider.received, FakeProvider.mode = [], "ok"
    server = ThreadingHTTPServer(("127.0.0.1", 0), FakeProvider)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()


@pytest.fixture(params=sorted(EXAMPLES))
def assoc(request: pytest.FixtureRequest) -> Any:
    return load_association(EXAMPLES[request.param])


def sms_notice(assoc: Any, n: int, lang: str = "ar") -> Any:
    r = record(rid=f"K7M3-{n:04d}", lang=lang)
    return render(assoc, r, "receipt", Contact(name="سارة", mobile="+966551234567", lang=lang), code="123456")


def test_sms_through_the_provider_adapter(assoc: Any, provider: str, tmp_path: Path,
                                          monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("MUSTAFID_SMS_TOKEN", "token-1")
    sender = sms_sender({"provider": "unifonic", "api_url": provider, "sender": "AJAA"})
    outbox = Outbox(tmp_path / "outbox")
    outbox.add(sms_notice(assoc, 1))
    outbox.add(sms_notice(assoc, 2, "en"))
    assert sorted(deliver(outbox, {"sms": sender}).sent) == ["K7M3-0001.receipt.1", "K7M3-0002.receipt.1"]
    by_ref = {m["CorrelationID"]: m for m in FakeProvider.received}
    ar, en = by_ref["K7M3-0001.receipt.1"], by_ref["K7M3-0002.receipt.1"]
    assert ar["Recipient"] == "966551234567" and ar["SenderID"] == "AJAA"
    assert "استلمنا طلبك رقم K7M3-0001" in ar["Body"] and "we received your request K7M3-0002" in en["Body"]


def test_a_provider_down_is_retried_and_a_refusal_goes_to_staff(assoc: Any, provider: str, tmp_path: Path) -> None:
    outbox = Outbox(tmp_path / "outbox")
    outbox.add(sms_notice(assoc, 1))
    FakeProvider.mode = "down"
    assert deliver(outbox, {"sms": UnifonicSms(provider, "AJAA", "token-1")}).retrying == ["K7M3-0001.receipt.1"]
    away = UnifonicSms(f"http://127.0.0.1:{free_port()}", "AJAA", "token-1", timeout=2)
    later = dt.datetime.now(dt.UTC) + dt.timedelta(days=1)
    assert deliver(outbox, {"sms": away}, now=later).retrying == ["K7M3-0001.receipt.1"]
    FakeProvider.mode = "refuse"
    result = deliver(outbox, {"sms": UnifonicSms(provider, "AJAA", "token-1")}, now=later + dt.timedelta(days=1))
    assert result.staff == ["K7M3-0001.receipt.1"] and FakeProvider.received == []
    assert "ER-01" in outbox.read("staff", "K7M3-0001.receipt.1").errors[-1]


@pytest.mark.parametrize("lang", ["ar", "en"])
def test_the_letter_is_a_pdf_with_shaped_arabic_and_both_calendars(assoc: Any, lang: str) -> None:
    import pypdf

    r = record(lang=lang, status="rejected", decision={"outcome": "rejected", "reason": "الدخل أعلى من الحد",
                                                        "members": [], "meeting": "m", "at": "x", "by": "x"})
    notice = render(assoc, r, "decision", Contact(name="سارة عبد الله", lang=lang))
    assert notice.channel == "letter"  # no phone, no email
    pdf = letter_pdf(assoc, notice, today=dt.date(2026, 12, 1))
    assert pdf.startswith(b"%PDF")
    text = " ".join(page.extract_text() for page in pypdf.PdfReader(io.BytesIO(pdf)).pages)
    words = " ".join(text.split())
    assert "K7M3-9QXD" in words
    for phrase in ("الدخل أعلى من الحد", "سارة عبد الله", assoc.name("ar") if lang == "ar" else assoc.name("en")):
        assert phrase in words, (phrase, words[:400])
    if lang == "ar":  # both calendars: 1 December 2026 = 11 Jumada al-Thani 1448
        assert "ديسمبر" in words and "هـ" in words and "جمادى" in words
    else:
        assert "December 2026" in words and "1448 AH" in words
