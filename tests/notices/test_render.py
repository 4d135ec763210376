"""Notices rendered from records in clear, for both associations and both languages: the right words for each
event, the applicant's language, the channel that reaches them, dates in both calendars."""

from __future__ import annotations

from typing import Any

import pytest

from mustafid.config.association import load_association
from mustafid.notices.render import Contact, channel_for, contact_of, render
from mustafid.notices.texts import EVENTS
from tests.helpers import EXAMPLES
from tests.notices.util import record

AT = "2026-11-23T10:00:00+03:00"
FILLED: dict[str, dict[str, Any]] = {
    "info_request": {"status": "needs_info", "info_requests": [{"by": "staff.officer", "at": AT,
                                                                 "note": "صورة أوضح من عقد الإيجار"}]},
    "decision": {"status": "rejected", "decision": {"outcome": "rejected", "reason": "الدخل أعلى من الحد",
                                                     "members": [], "meeting": "m", "at": AT, "by": "x"}},
    "answer": {"form": "suggestion-or-complaint", "status": "answered",
               "answer": {"text": "نعتذر، عولج الأمر", "by": "staff.officer", "at": AT}},
    "service": {"status": "served", "service": {"provided": "سلة غذائية", "by": "staff.officer", "at": AT}},
}


@pytest.fixture(params=sorted(EXAMPLES))
def assoc(request: pytest.FixtureRequest) -> Any:
    return load_association(EXAMPLES[request.param])


@pytest.mark.parametrize("lang", ["ar", "en"])
@pytest.mark.parametrize("event", EVENTS)
def test_every_event_in_both_languages(assoc: Any, event: str, lang: str) -> None:
    r = record(lang=lang, **FILLED.get(event, {}))
    n = render(assoc, r, event, contact_of(r), kind="feedback" if event == "answer" else "request",
               link="https://intake.example/complete/?t=abc")
    assert n.lang == lang and "K7M3-9QXD" in n.subject and "K7M3-9QXD" in n.body and "K7M3-9QXD" in n.sms
    assert assoc.name(lang) in n.body and "{" not in n.body + n.subject + n.sms
    arabic = any("\u0600" <= ch <= "\u06ff" for ch in n.subject)
    assert arabic == (lang == "ar")
    if event == "receipt":  # the promised date, Gregorian and Hijri
        assert ("هـ" in n.body) if lang == "ar" else ("AH" in n.body)
    if event == "info_request":
        assert "صورة أوضح من عقد الإيجار" in n.body and "https://intake.example/complete/?t=abc" in n.sms
    if event == "decision":
        assert "الدخل أعلى من الحد" in n.body
        assert ("عدم قبول الطلب" in n.body) if lang == "ar" else ("not approved" in n.body)
    if event == "answer":
        assert "نعتذر، عولج الأمر" in n.body
    if event == "service":
        assert "سلة غذائية" in n.body


def test_the_key_is_one_per_event_and_one_per_request_for_information(assoc: Any) -> None:
    r = record(**FILLED["info_request"])
    first = render(assoc, r, "info_request", contact_of(r))
    r["info_requests"] += [{"by": "s", "at": AT, "note": "n", "resubmitted": True},
                           {"by": "s", "at": AT, "note": "بطاقة العائلة"}]
    second = render(assoc, r, "info_request", contact_of(r))
    assert (first.key, second.key) == ("K7M3-9QXD.info_request.1", "K7M3-9QXD.info_request.2")
    assert "بطاقة العائلة" in second.body


def test_the_channel_follows_what_the_applicant_has_and_prefers() -> None:
    assert channel_for(Contact(mobile="+966551234567", email="a@b.sa")) == ("email", "a@b.sa")
    assert channel_for(Contact(mobile="+966551234567", email="a@b.sa", prefers="sms")) == ("sms", "+966551234567")
    assert channel_for(Contact(mobile="+966551234567")) == ("sms", "+966551234567")
    assert channel_for(Contact(name="سارة")) == ("letter", "سارة")


@pytest.mark.parametrize(("name", "said"), [
    ("ajaa", ("احتفظي بهذا الرقم", "أرسليه من هذا الرابط", "أو أحضريه", "أرسليها حتى", "فتواصلي مع الجمعية واذكري")),
    ("kahatain", ("احتفظ بهذا الرقم", "أرسله من هذا الرابط", "أو أحضره", "أرسلها حتى", "فتواصل مع الجمعية واذكر")),
])
def test_the_notices_address_the_applicant_as_the_association_does(name: str, said: tuple[str, ...]) -> None:
    """Ajaa's notices in the feminine, Kahatain's in the masculine; what staff typed (the note, the reason) is
    sent as they wrote it, whatever its words."""
    assoc = load_association(EXAMPLES[name])
    keep, send, bring, sms, contact = said
    r = record()
    assert keep in render(assoc, r, "receipt", contact_of(r)).body
    note = "أرسل صورة أوضح من عقد الإيجار"
    asked = record(status="needs_info", info_requests=[{"by": "staff.officer", "at": AT, "note": note}])
    n = render(assoc, asked, "info_request", contact_of(asked), link="https://intake.example/complete/?t=abc")
    assert send in n.body and bring in n.body and sms in n.sms
    assert note in n.body and note in n.sms
    decided = record(**FILLED["decision"])
    decided["decision"]["reason"] = "تواصل مع الضمان الاجتماعي أولاً"
    body = render(assoc, decided, "decision", contact_of(decided)).body
    assert contact in body and "السبب: تواصل مع الضمان الاجتماعي أولاً" in body
