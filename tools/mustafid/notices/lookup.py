"""The applicant's status lookup: the reference plus a second factor they hold (the code on their receipt, or
the last four digits of their mobile) gives the status in words, the promised date and what to do next.
Nothing personal is shown; a wrong reference and a wrong factor get the same answer (None), after the same
work, so a lookup cannot tell a guesser which reference exists. Rate limiting is the caller's (per client).

A sealed record's mobile is ciphertext, so it keeps, from intake, a keyed hash of the request's id and the
mobile's last four digits (``lookup.mobile``: HMAC-SHA256 with the lookup's own secret, the one the receipt's
code is made with, notices/links.link_secret): the lookup compares the factor's hash with it in constant time.
The id in the hash makes it the request's alone (two requests with the same last digits keep different hashes,
so git cannot tell they share a mobile); without the secret, nothing can be learnt from it."""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from mustafid.core.normalize import normalize_digits
from mustafid.core.period import period_days, promised_date, riyadh_today
from mustafid.core.text import T, same_secret
from mustafid.forms.kinds import kind_of
from mustafid.forms.messages import addressed, gender_of
from mustafid.notices.render import day_text
from mustafid.review.forges.local import LocalForge

STATUS_WORDS: dict[str, T] = {
    "received": T("استُلم طلبك وهو قيد التحقق من بياناته ومستنداته",
                  "Received: your data and documents are being checked"),
    "needs_info": T("تحتاج الجمعية منك معلومات أو مستندات", "The association needs information or documents from you"),
    "verified": T("تحقّقت الجمعية من طلبك وهو لدى اللجنة لدراسته", "Checked: the committee is studying your request"),
    "approved": T("قُبل طلبك", "Your request was approved"),
    "rejected": T("لم يُقبل طلبك", "Your request was not approved"),
    "served": T("قُدّمت لك الخدمة", "The service was provided"),
    "withdrawn": T("سُحب الطلب", "The request was withdrawn"),
    "escalated": T("رُفعت ملاحظتك إلى مجلس الإدارة للرد عليها", "Your message went to the board for an answer"),
    "answered": T("أجابت الجمعية عن ملاحظتك", "The association has answered your message"),
    "recorded": T("سُجّلت إجاباتك", "Your answers are recorded"),
}
NEXT: dict[str, T] = {
    "received": T("لا شيء مطلوب منك الآن؛ قد تتواصل معك الجمعية إن احتاجت شيئاً.",
                  "Nothing is needed from you now; the association contacts you if it needs anything."),
    "needs_info": T("أرسل ما طُلب من الرابط الذي وصلك، أو أحضره إلى الجمعية واذكر رقم طلبك.",
                    "Send what was asked for through the link you received, or bring it to the association with "
                    "your reference number."),
    "verified": T("لا شيء مطلوب منك الآن؛ يصلك القرار وسببه.", "Nothing is needed from you now; you will be told the "
                  "decision and its reason."),
    "approved": T("سيتواصل معك موظف علاقات المستفيدين لتقديم الخدمة.",
                  "The beneficiary-relations officer will contact you to provide the service."),
    "rejected": T("وصلك سبب القرار؛ إن كان لديك ما يغيّره فتواصل مع الجمعية.",
                  "You were told the reason; if you have something that would change it, contact the association."),
}


def receipt_code(secret: bytes, record_id: str) -> str:
    """Six digits printed on the receipt and in the receipt notice; HMAC of the reference, so nothing stores it."""
    mac = hmac.new(secret, b"status|" + record_id.encode(), hashlib.sha256).digest()
    return f"{int.from_bytes(mac[:5], 'big') % 1_000_000:06d}"


@dataclass(frozen=True)
class StatusView:
    ref: str
    kind: str
    status: str
    words: str
    due: tuple[str, str] | None   # (Gregorian, Hijri) while a decision or an answer is awaited
    late: bool
    next: str


def _clear_mobile(record: Mapping[str, Any]) -> str:
    mobile = str((record.get("data") or {}).get("mobile") or "")
    return mobile if mobile.startswith("+") and mobile[1:].isdigit() else ""  # ciphertext never matches


def mobile_hash(secret: bytes, record_id: str, last4: str) -> str:
    return hmac.new(secret, f"mobile|{record_id}|{last4}".encode(), hashlib.sha256).hexdigest()


def mobile_lookup(secret: bytes, record: Mapping[str, Any]) -> str:
    """The ``lookup.mobile`` of a record in clear, before it is sealed ("" when it has no mobile)."""
    mobile = _clear_mobile(record)
    return mobile_hash(secret, str(record["id"]), mobile[-4:]) if len(mobile) > 4 else ""


def lookup(assoc: Any, forge: LocalForge, ref: str, factor: str, secret: bytes, lang: str = "ar",
           today: dt.date | None = None,
           mobile_of: Callable[[Mapping[str, Any]], str] = _clear_mobile) -> StatusView | None:
    """The status for a reference and its second factor, or None for anything that does not match."""
    from mustafid.records.format import parse_record_id
    from mustafid.review.queries import find

    rid = parse_record_id(normalize_digits(ref).strip().upper()) or "XXXX-XXXX"
    factor = normalize_digits(factor).replace(" ", "").strip()
    good_code = same_secret(receipt_code(secret, rid), factor.rjust(6, "x")[-6:])
    try:
        record = find(forge, rid)[3]
    except Exception:
        return None
    kept = str((record.get("lookup") or {}).get("mobile") or "")
    hashed = mobile_hash(secret, rid, factor[-4:])  # always: the same work whichever the record keeps
    if kept:  # sealed: the mobile is ciphertext, its last four digits kept as a keyed hash
        good_mobile = len(factor) == 4 and same_secret(kept, hashed)
    else:
        mobile = mobile_of(record)
        good_mobile = len(factor) == 4 and bool(mobile) and same_secret(mobile[-4:], factor)
    if not (good_code or good_mobile):
        return None
    return view(assoc, record, lang, today)


def view(assoc: Any, record: Mapping[str, Any], lang: str, today: dt.date | None = None) -> StatusView:
    kind = kind_of(assoc, record.get("form"))
    status = str(record.get("status"))
    from mustafid.core.vocab import OPEN

    due, late = None, False
    if status in OPEN and period_days(assoc, kind):
        day = promised_date(assoc, str(record["submitted_at"]), kind)
        due, late = day_text(day, lang), (today or riyadh_today()) > day
    words = STATUS_WORDS.get(status, T(status, status))(lang)  # "تحتاج الجمعية": the association, never addressed
    nxt = NEXT.get(status, T("", ""))
    gender = gender_of(assoc)
    return StatusView(str(record["id"]), kind, status, words, due, late,
                      addressed(nxt.ar, gender) if lang == "ar" else nxt.en)
