"""Saudi data rules: one function per type. Each takes normalised text and returns the value to store, or
raises ``Invalid`` with a bilingual message that says what to fix (never echoing the value: it is personal).

Facts behind the rules: ../../../shared/DOMAIN.md ("Saudi data rules").
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping

from mustafid.core.normalize import normalize_text
from mustafid.core.text import T


class Invalid(ValueError):
    """A value that breaks a data rule; ``message`` says what to fix in both languages."""

    def __init__(self, message: T, code: str = "invalid") -> None:
        super().__init__(message.en)
        self.message = message
        self.code = code


_DOUBLED = str.maketrans("0123456789", "0246813579")  # each digit doubled, its two digits added (7 -> 14 -> 5)


def luhn_ok(digits: str) -> bool:
    """Luhn over ASCII digits: from the right, every second digit doubled. Sums of code points (C loops, not a
    Python one per digit: CI checks several IDs in every record), less 48 ('0') per digit."""
    odd, even = digits[-1::-2].encode(), digits[-2::-2].translate(_DOUBLED).encode()
    return (sum(odd) + sum(even) - 48 * len(digits)) % 10 == 0


NATIONAL_ID_RE = re.compile(r"^[12][0-9]{9}$")


def national_id(value: str) -> str:
    """Saudi national ID (first digit 1) or iqama (2): 10 digits, Luhn over all of them."""
    v = normalize_text(value, identifier=True)
    if not re.fullmatch(r"[0-9]{10}", v):
        raise Invalid(T("رقم الهوية أو الإقامة يتكون من ١٠ أرقام: أدخله كاملاً دون حروف",
                        "an ID or iqama number has 10 digits: enter all of them, with no letters"),
                      "national_id_format")
    if v[0] not in "12":
        raise Invalid(T("رقم الهوية الوطنية يبدأ بالرقم ١ ورقم الإقامة بالرقم ٢: تحقق من الرقم",
                        "a national ID starts with 1 and an iqama with 2: check the number"), "national_id_prefix")
    if not luhn_ok(v):
        raise Invalid(T("رقم الهوية أو الإقامة غير صحيح (خانة التحقق لا تطابق): راجع الأرقام كما في البطاقة",
                        "the ID or iqama number is not valid (its check digit does not match): "
                        "copy it again from the card"),
                      "national_id_checksum")
    return v


MOBILE_RE = re.compile(r"^\+9665[0-9]{8}$")


def mobile(value: str) -> str:
    """A Saudi mobile number in any common form (05…, 5…, 9665…, +9665…, 009665…) → E.164 ``+9665XXXXXXXX``."""
    import phonenumbers  # heavy metadata: load on first use

    v = normalize_text(value, identifier=True).replace("-", "").replace("(", "").replace(")", "")
    bad = Invalid(T("رقم الجوال غير صحيح: اكتبه هكذا 05XXXXXXXX",
                    "the mobile number is not valid: write it as 05XXXXXXXX"), "mobile")
    if v.startswith("00"):
        v = "+" + v[2:]
    try:
        n = phonenumbers.parse(v, "SA")
    except phonenumbers.NumberParseException:
        raise bad from None
    if n.country_code != 966 or not phonenumbers.is_valid_number(n) or \
            phonenumbers.number_type(n) != phonenumbers.PhoneNumberType.MOBILE:
        raise bad
    e164 = phonenumbers.format_number(n, phonenumbers.PhoneNumberFormat.E164)
    if not MOBILE_RE.match(e164):
        raise bad
    return e164


IBAN_RE = re.compile(r"^SA[0-9]{2}[0-9]{2}[0-9A-Z]{18}$")


def iban(value: str) -> str:
    """A Saudi IBAN: SA + 2 check digits + 2-digit bank code + 18 alphanumerics, mod-97. Stored compact upper case."""
    v = normalize_text(value, identifier=True).replace("-", "").upper()
    if not IBAN_RE.match(v):
        raise Invalid(T("رقم الآيبان السعودي يتكون من ٢٤ خانة تبدأ بـ SA: انسخه من تطبيق البنك",
                        "a Saudi IBAN has 24 characters starting with SA: copy it from your bank's app"), "iban_format")
    moved = v[4:] + v[:4]
    if int("".join(str(int(c, 36)) for c in moved)) % 97 != 1:
        raise Invalid(T("رقم الآيبان غير صحيح (خانات التحقق لا تطابق): راجعه حرفاً حرفاً",
                        "the IBAN is not valid (its check digits do not match): check it character by character"),
                      "iban_checksum")
    return v


EMAIL_RE = re.compile(r"^[^@\s]+@[^@\s]+\.[A-Za-z]{2,}$")


def email(value: str) -> str:
    v = normalize_text(value, identifier=True)
    if not EMAIL_RE.match(v) or len(v) > 254:
        raise Invalid(T("البريد الإلكتروني غير صحيح: اكتبه هكذا name@example.com",
                        "the email address is not valid: write it as name@example.com"), "email")
    return v


HIJRI_MIN, HIJRI_MAX = (1343, 1, 1), (1500, 12, 30)
DATE_RE = re.compile(r"^([0-9]{4})[-/.]([0-9]{1,2})[-/.]([0-9]{1,2})$")
DATE_RE_DMY = re.compile(r"^([0-9]{1,2})[-/.]([0-9]{1,2})[-/.]([0-9]{4})$")


def hijri_of(day: dt.date) -> str:
    """The Umm al-Qura date of a Gregorian date, ``YYYY-MM-DD``."""
    from hijridate import Gregorian

    return Gregorian(day.year, day.month, day.day).to_hijri().isoformat()


def gregorian_of_hijri(y: int, m: int, d: int) -> dt.date:
    from hijridate import Hijri

    return Hijri(y, m, d).to_gregorian()


def date(value: str) -> str:
    """A date in either calendar, returned as ISO Gregorian ``YYYY-MM-DD``.

    The calendar is unambiguous from the year: 1343–1500 is Hijri (Umm al-Qura), 1900–2100 Gregorian; day-first
    (``23/11/2026``) is accepted too.
    """
    v = normalize_text(value, identifier=True)
    m = DATE_RE.match(v)
    if m:
        y, mo, d = (int(x) for x in m.groups())
    elif (m := DATE_RE_DMY.match(v)):
        d, mo, y = (int(x) for x in m.groups())
    else:
        raise Invalid(T("التاريخ غير مفهوم: اكتبه بالهجري مثل 1446-09-01 أو بالميلادي مثل 2025-03-01",
                        "the date is not understood: write it as Hijri 1446-09-01 or Gregorian 2025-03-01"),
                      "date_format")
    if HIJRI_MIN[0] <= y <= HIJRI_MAX[0]:
        try:
            return gregorian_of_hijri(y, mo, d).isoformat()
        except (ValueError, OverflowError):
            raise Invalid(T("هذا التاريخ الهجري غير موجود في تقويم أم القرى: تحقق من اليوم والشهر",
                            "this Hijri date does not exist in the Umm al-Qura calendar: check the day and month"),
                          "hijri_date") from None
    if 1900 <= y <= 2100:
        try:
            return dt.date(y, mo, d).isoformat()
        except ValueError:
            raise Invalid(T("هذا التاريخ الميلادي غير موجود: تحقق من اليوم والشهر",
                            "this Gregorian date does not exist: check the day and month"), "date") from None
    raise Invalid(T("السنة خارج النطاق: الهجري بين 1343 و1500، والميلادي بين 1900 و2100",
                    "the year is out of range: Hijri 1343–1500, Gregorian 1900–2100"), "date_range")


ADDRESS_PARTS = ("building", "street", "district", "city", "postal_code", "additional", "short")
SHORT_ADDRESS_RE = re.compile(r"^[A-Z]{4}[0-9]{4}$")
_ADDRESS_RULES: dict[str, tuple[str, T]] = {
    "building": (r"[0-9]{4}", T("رقم المبنى ٤ أرقام", "the building number has 4 digits")),
    "postal_code": (r"[0-9]{5}", T("الرمز البريدي ٥ أرقام", "the postal code has 5 digits")),
    "additional": (r"[0-9]{4}", T("الرقم الإضافي ٤ أرقام", "the additional number has 4 digits")),
    "short": (r"[A-Z]{4}[0-9]{4}", T("العنوان المختصر ٤ حروف لاتينية ثم ٤ أرقام مثل RHMA1234",
                                     "the short address is 4 Latin letters then 4 digits, like RHMA1234")),
}
ADDRESS_REQUIRED = ("building", "street", "district", "city", "postal_code")


def national_address(parts: Mapping[str, str]) -> tuple[dict[str, str], dict[str, Invalid]]:
    """The Saudi National Address. Returns the normalised parts and, per part, what is wrong with it."""
    out: dict[str, str] = {}
    errors: dict[str, Invalid] = {}
    for key in ADDRESS_PARTS:
        raw = parts.get(key) or ""
        ident = key in _ADDRESS_RULES
        v = normalize_text(raw, identifier=ident)
        if key == "short":
            v = v.upper()
        if not v:
            if key in ADDRESS_REQUIRED:
                errors[key] = Invalid(T("هذا الجزء من العنوان الوطني مطلوب",
                                        "this part of the national address is required"), "required")
            continue
        if ident and not re.fullmatch(_ADDRESS_RULES[key][0], v):
            errors[key] = Invalid(_ADDRESS_RULES[key][1], f"address_{key}")
            continue
        if not ident and len(v) > 100:
            errors[key] = Invalid(T("النص أطول من ١٠٠ حرف", "longer than 100 characters"), "max_length")
            continue
        out[key] = v
    return out, errors
