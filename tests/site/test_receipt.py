"""The confirmation page: the reference, and the date by which a decision is promised (the association's own
period: Ajaa 30 days, Kahatain 14) in the Gregorian and Hijri (Umm al-Qura) calendars, in Arabic and English."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from hijridate import Gregorian

from mustafid.core.period import promised_date
from mustafid.site import pages
from tests.site.conftest import parse

AR = str.maketrans("0123456789", "٠١٢٣٤٥٦٧٨٩")
RECORD = {"id": "K7M3-9QXD", "form": "support-request", "form_version": 1, "channel": "web",
          "submitted_at": "2026-11-23T23:30:00+03:00", "submitted_at_hijri": "1448-06-03", "status": "received"}


@pytest.mark.parametrize(("assoc", "days", "gregorian_en", "referral"), [
    ("ajaa", 30, "23 December 2026", False),
    ("kahatain", 14, "7 December 2026", True),
])
def test_promised_date_in_both_calendars(assocs: dict[str, Any], assoc: str, days: int, gregorian_en: str,
                                         referral: bool) -> None:
    a = assocs[assoc]
    assert a.decision_period_days == days  # read from association.yml, never typed in a page
    due = dt.date(2026, 11, 23) + dt.timedelta(days=days)  # the local day of submission, not the UTC one
    assert promised_date(a, RECORD["submitted_at"]) == due
    h = Gregorian(due.year, due.month, due.day).to_hijri()
    en = parse(pages.receipt_fragment(a, "en", RECORD))
    due_en = en.find("p", cls="mf-due")[0]
    assert due_en.attrs["data-due"] == due.isoformat()
    assert gregorian_en in due_en.text and f"{h.day} {h.month_name('en')} {h.year} AH" in due_en.text
    ar = parse(pages.receipt_fragment(a, "ar", RECORD))
    due_ar = ar.find("p", cls="mf-due")[0].text
    assert f"{due.day} ديسمبر {due.year}".translate(AR) in due_ar
    assert f"{h.day} {h.month_name('ar')} {h.year}هـ".translate(AR) in due_ar
    # the reference: big, left to right, exactly as stored (spacing is the stylesheet's, so copying is exact)
    ref = ar.by_id("mf-ref")
    assert ref.text == "K7M3-9QXD" and ref.attrs["dir"] == "ltr"
    assert ar.find("button", cls="mf-copy")[0].attrs["data-copy"] == "K7M3-9QXD"
    # what happens next: the association's own procedure, with the referral step only where it has one
    steps = [e.text for e in ar.elements if e.tag == "li" and e.inside("ol", "mf-steps")]
    assert any("مسؤول البحث الاجتماعي" in s for s in steps) is referral
    assert any(a.committee_name("ar") in s for s in steps)
    # the answer step says the date plainly (the policy's own sentence stays on the policy page)
    assert any(f"{due.day} ديسمبر {due.year}".translate(AR) in s for s in steps)
    assert not any(a.decision_period_wording("ar") in s for s in steps)
    en_steps = [e.text for e in en.elements if e.tag == "li" and e.inside("ol", "mf-steps")]
    assert any("social-research officer" in s for s in en_steps) is referral
    assert len(en_steps) == len(steps) == (5 if referral else 4)
    # the period in days, as the audit measures it
    assert f"({str(days).translate(AR)} يوماً)" in "".join(e.text for e in ar.find("p", cls="mf-hint"))
    assert f"({days} days)" in "".join(e.text for e in en.find("p", cls="mf-hint"))
    # how to follow up: the association's phones, left to right
    tel = [e for e in ar.elements if e.tag == "a" and e.attrs.get("href", "").startswith("tel:")]
    assert [e.attrs["href"] for e in tel] == [f"tel:{p.number}" for p in a.phones]
    assert all(e.attrs["dir"] == "ltr" for e in tel)


def test_the_form_is_named_in_the_page_language(assocs: dict[str, Any]) -> None:
    a = assocs["kahatain"]
    ar = pages.receipt_fragment(a, "ar", RECORD)
    en = pages.receipt_fragment(a, "en", RECORD)
    assert "طلب دعم لأسرة أيتام" in ar and "Support request for an orphan family" in en
    assert "تم استلام طلبك" in ar and "Your request was received" in en
