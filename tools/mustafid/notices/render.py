"""A notice rendered from a record in clear and the applicant's contact: its channel, address, subject and
text, in the applicant's language. Plain functions: the caller decrypts (the record's personal fields are
encrypted at rest), nothing here reads a key. The words address the applicant in the association's gender
(association.yml ``address_applicant_as``: "احتفظي بهذا الرقم"), applied to the templates before the values are
filled in, so nothing the applicant or staff typed is changed."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import asdict, dataclass
from typing import Any

from mustafid.core.period import period_days, promised_date
from mustafid.core.text import T, arabic_digits
from mustafid.forms.messages import addressed, gender_of
from mustafid.notices import texts

CHANNELS = ("email", "sms", "letter", "outbox")
GREG_AR = ("يناير", "فبراير", "مارس", "أبريل", "مايو", "يونيو", "يوليو", "أغسطس", "سبتمبر", "أكتوبر", "نوفمبر",
           "ديسمبر")


@dataclass(frozen=True)
class Contact:
    """How the applicant is reached; all optional (an anonymous complaint has none)."""

    name: str = ""
    mobile: str = ""           # E.164, +9665…
    email: str = ""
    prefers: str = ""          # sms | email | phone | letter (the form's contact_preference), or empty
    lang: str = "ar"


@dataclass(frozen=True)
class Notice:
    key: str                   # <record id>.<event>.<n>: one notice per event, never two
    record_id: str
    event: str
    lang: str
    channel: str               # email | sms | letter
    to: str                    # the address or number (personal: stays in the outbox folder, never in git)
    subject: str
    body: str
    sms: str
    name: str = ""

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


def contact_of(record: Mapping[str, Any]) -> Contact:
    """The contact a record in clear holds: the form library's ``mobile``, ``email``, name parts and
    ``contact_preference`` answers, and the language the applicant used (``lang``, Arabic when not recorded)."""
    data = record.get("data") or {}
    name = " ".join(str(data[k]) for k in ("first_name", "father_name", "family_name") if data.get(k)) or \
        str(data.get("name") or "")
    return Contact(name=name, mobile=str(data.get("mobile") or ""), email=str(data.get("email") or ""),
                   prefers=str(data.get("contact_preference") or ""), lang=str(record.get("lang") or "ar"))


def channel_for(contact: Contact) -> tuple[str, str]:
    """(channel, address): the applicant's preference where it can be met, else email, then SMS, else a letter."""
    if contact.prefers == "email" and contact.email:
        return "email", contact.email
    if contact.prefers in ("sms", "phone") and contact.mobile:
        return "sms", contact.mobile
    if contact.email:
        return "email", contact.email
    if contact.mobile:
        return "sms", contact.mobile
    return "letter", contact.name


def day_text(day: dt.date, lang: str) -> tuple[str, str]:
    """(Gregorian, Umm al-Qura Hijri) as a person reads them."""
    from hijridate import Gregorian

    h = Gregorian(day.year, day.month, day.day).to_hijri()
    if lang == "ar":
        return (f"{arabic_digits(day.day)} {GREG_AR[day.month - 1]} {arabic_digits(day.year)}م",
                f"{arabic_digits(h.day)} {h.month_name('ar')} {arabic_digits(h.year)}هـ")
    return f"{day.day} {day.strftime('%B')} {day.year}", f"{h.day} {h.month_name('en')} {h.year} AH"


def _say(assoc: Any, text: T, lang: str) -> str:
    return addressed(text.ar, gender_of(assoc)) if lang == "ar" else text.en


def _facts(assoc: Any, record: Mapping[str, Any], event: str, lang: str, kind: str) -> dict[str, str]:
    phone = assoc.phones[0].number if assoc.phones else (assoc.email or "")
    facts = {"association": assoc.name(lang), "short": assoc.short_name(lang), "ref": str(record["id"]),
             "committee": assoc.committee_name(lang), "phone": phone, "due_line": "", "due_short": ""}
    from mustafid.forms.load import load_forms

    form = load_forms(assoc).get(str(record.get("form")))
    facts["form"] = form.title(lang) if form else str(record.get("form"))
    if event == "receipt" and period_days(assoc, kind):
        greg, hijri = day_text(promised_date(assoc, str(record["submitted_at"]), kind), lang)
        facts["due_line"], facts["due_short"] = _say(assoc, texts.DUE, lang).format(greg=greg, hijri=hijri), \
            _say(assoc, texts.DUE_SHORT, lang).format(greg=greg)
    decision = record.get("decision") or {}
    outcome = str(decision.get("outcome", ""))
    facts["outcome"] = texts.OUTCOME[outcome](lang) if outcome in texts.OUTCOME else outcome
    facts["reason"] = str(decision.get("reason", ""))
    facts["next_line"] = _say(assoc, texts.NEXT_APPROVED if outcome == "approved" else texts.NEXT_REJECTED, lang)
    asks = [r for r in record.get("info_requests") or [] if not r.get("resubmitted")]
    facts["note"] = str(asks[-1].get("note", "")) if asks else ""
    facts["answer"] = str((record.get("answer") or {}).get("text", ""))
    facts["provided"] = str((record.get("service") or {}).get("provided", ""))
    return facts


def ordinal(record: Mapping[str, Any], event: str) -> int:
    """Which notice of its event this is: the n-th request for information has its own, the rest are one each."""
    if event == "info_request":
        return len([r for r in record.get("info_requests") or [] if not r.get("resubmitted")])
    return 1


def render(assoc: Any, record: Mapping[str, Any], event: str, contact: Contact, *, kind: str = "request",
           link: str = "", expires: dt.date | None = None, code: str = "") -> Notice:
    """The notice of ``event`` for this record, in the contact's language, by the channel that reaches them."""
    if event not in texts.EVENTS:
        raise ValueError(f"unknown notice event {event!r}")
    lang = contact.lang if contact.lang in ("ar", "en") else "ar"
    facts = _facts(assoc, record, event, lang, kind)
    facts["link"] = link
    facts["code_line"] = _say(assoc, texts.CODE, lang).format(code=code) if code else ""
    facts["expires"] = " / ".join(day_text(expires, lang)) if expires else ""
    greeting = (texts.GREETING if contact.name else texts.GREETING_ANON)(lang).format(name=contact.name)
    body = "\n\n".join([greeting, _say(assoc, texts.BODY[event], lang).format(**facts).strip(),
                        texts.SIGN_OFF(lang).format(**facts)])
    channel, to = channel_for(contact)
    return Notice(key=f"{record['id']}.{event}.{ordinal(record, event)}", record_id=str(record["id"]),
                  event=event, lang=lang, channel=channel, to=to,
                  subject=_say(assoc, texts.SUBJECT[event], lang).format(**facts), body=body,
                  sms=" ".join(_say(assoc, texts.SMS[event], lang).format(**facts).split()), name=contact.name)
