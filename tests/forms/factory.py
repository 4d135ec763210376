"""Realistic answers for any form, generated from its definition (tests and benchmarks/validate.py).

Driven by the definition, not by hand-written records, so a new field or form is covered at once; the
answers go through validate_input like a real submission, so every generated record is one the intake
would have written.
"""

from __future__ import annotations

import datetime as dt
import random
from typing import Any

from mustafid.core.vocab import RIYADH
from mustafid.forms.model import Field, FormDef
from mustafid.forms.types.date import resolve_date
from mustafid.forms.validation import FileInfo, validate_input
from mustafid.forms.validators import luhn_ok
from mustafid.records.format import make_record, new_record_id

FIRST = ["نورة", "سارة", "مريم", "عبد الله", "محمد", "فاطمة", "هيلة", "عبد الرحمن", "لطيفة", "منيرة", "خالد", "جواهر"]
FAMILY = ["الشمري", "الرويلي", "العنزي", "الحربي", "الغامدي", "الزهراني", "القحطاني", "المطيري", "الرشيدي"]
WORDS = ["نحتاج", "مساعدة", "عاجلة", "في", "سداد", "الإيجار", "المتأخر", "وتأمين", "احتياجات", "الأطفال", "الدراسية",
         "بعد", "انقطاع", "الدخل", "والحمد", "لله", "على", "كل", "حال", "ونرجو", "النظر", "في", "الطلب"]
TODAY = dt.date(2026, 11, 23)


def national_id(rng: random.Random, first: str = "1") -> str:
    while True:
        body = first + "".join(rng.choice("0123456789") for _ in range(8))
        for d in "0123456789":
            if luhn_ok(body + d):
                return body + d


def iban(rng: random.Random) -> str:
    bank = rng.choice(["10", "80", "20", "05", "15", "45"])
    acct = "".join(rng.choice("0123456789") for _ in range(18))
    moved = bank + acct + "2810" + "00"  # "SA" = 28 10, check digits 00
    check = 98 - int(moved) % 97
    return f"SA{check:02d}{bank}{acct}"


def _date_between(rng: random.Random, f: Field) -> str:
    lo = resolve_date(f.min, TODAY) or dt.date(1960, 1, 1)
    hi = resolve_date(f.max, TODAY) or TODAY
    day = lo + dt.timedelta(days=rng.randint(1, max(1, (hi - lo).days - 1)))
    if rng.random() < 0.5 and day.year > 1925:  # half typed in Hijri, as many applicants do (Umm al-Qura starts 1924)
        from mustafid.forms.validators import hijri_of
        return hijri_of(day)
    return day.isoformat()


def _value(rng: random.Random, form: FormDef, f: Field, raw: dict[str, Any], _key: str, scope: str) -> Any:
    t = f.type
    if t == "text":
        if f.pattern:
            return new_record_id()
        if "name" in f.id and f.id not in ("first_name", "father_name", "grandfather_name", "family_name"):
            return " ".join([rng.choice(FIRST), rng.choice(FIRST), rng.choice(FIRST), rng.choice(FAMILY)])
        if f.id == "family_name":
            return rng.choice(FAMILY)
        if f.id.endswith("_name"):
            return rng.choice(FIRST)
        n = max(2, (f.min_length or 3) // 4 + 2)
        return " ".join(rng.choice(WORDS) for _ in range(n))[: f.max_length or 100]
    if t == "long_text":
        return " ".join(rng.choice(WORDS) for _ in range(rng.randint(8, 30)))
    if t in ("integer", "money"):
        lo = int(f.min if f.min is not None else 0)
        hi = int(f.max if f.max is not None else 10000)
        v = rng.randint(lo, min(hi, max(lo, hi // 10)))
        return str(v)
    if t == "date":
        return _date_between(rng, f)
    if t == "choice":
        choices = form.choices[f.choices or ""]
        if f.choice_filter:
            parent = raw.get(scope + f.choice_filter, raw.get(f.choice_filter))
            choices = tuple(c for c in choices if c.attrs.get(f.choice_filter) == parent) or choices
        return rng.choice(choices).value
    if t == "multi_choice":
        values = [c.value for c in form.choices[f.choices or ""] if c.value != "none"]
        k = rng.randint(max(1, f.min_choices or 1), min(len(values), f.max_choices or 3))
        return rng.sample(values, k)
    if t == "yes_no":
        return "yes" if rng.random() < 0.8 else "no"
    if t == "phone":
        return "05" + rng.choice("0345689") + "".join(rng.choice("0123456789") for _ in range(7))
    if t == "national_id":
        return national_id(rng, "1" if rng.random() < 0.85 else "2")
    if t == "iban":
        return iban(rng)
    if t == "email":
        return f"user{rng.randint(1, 99999)}@example.com"
    return None


def raw_answers(form: FormDef, rng: random.Random) -> dict[str, Any]:
    raw: dict[str, Any] = {}

    def fill(fields: tuple[Field, ...], prefix: str) -> None:
        for f in fields:
            key = prefix + f.id
            if f.type == "repeat":
                lo, hi = max(f.min_items, 1), min(f.max_items or 6, 6)
                n = rng.randint(lo, hi)
                for i in range(n):
                    fill(f.fields, f"{key}.{i}.")
                if f.count_from:
                    raw[f.count_from] = str(n)
            elif f.type == "national_address":
                raw.update({f"{key}.building": str(rng.randint(1000, 9999)), f"{key}.street": "شارع الملك عبد العزيز",
                            f"{key}.district": "النقرة", f"{key}.city": "حائل",
                            f"{key}.postal_code": str(rng.randint(10000, 99999)),
                            f"{key}.additional": str(rng.randint(1000, 9999))})
            elif f.holds_data and f.type != "calculated":
                v = _value(rng, form, f, raw, key, prefix)
                if v is not None and key not in raw:
                    raw[key] = v
        for f in fields:  # a yes/no constrained to be true (e.g. the account holder) is answered yes
            if f.type == "yes_no" and any(c["check"].get("equals") is True for c in f.constraints):
                raw[prefix + f.id] = "yes"

    fill(form.fields, "")
    return raw


def documents_for(form: FormDef, data: dict[str, Any], rng: random.Random) -> list[dict[str, Any]]:
    from mustafid.forms.conditions import evaluate

    out = []
    for path, f in form.walk():
        if f.type == "file" and "*" not in path and ((f.required and evaluate(f.relevant, data)) or rng.random() < 0.2):
            out.append({"field": path, "name": f"{f.id}.pdf", "type": "application/pdf",
                        "size": rng.randint(50_000, 900_000), "sha256": f"{rng.getrandbits(256):064x}"})
    return out


def make_valid(form: FormDef, rng: random.Random, association: str, when: dt.datetime | None = None,
               channel: str = "web") -> dict[str, Any]:
    """A record the intake would have written (retries until the random answers satisfy every rule)."""
    when = when or _when(rng)
    for _ in range(200):
        raw = raw_answers(form, rng)
        data, problems = validate_input(form, raw, require_declaration=False, today=when.date())
        if not problems:
            return make_record(form, data, association=association, channel=channel,
                               consent=form.asks_personal_data, documents=documents_for(form, data, rng),
                               submitted_at=when, record_id=_id(rng))
    raise AssertionError(f"could not generate a valid {form.id}: {[(p.path, p.code) for p in problems]}")


def _when(rng: random.Random) -> dt.datetime:
    return dt.datetime(2026, rng.randint(1, 11), rng.randint(1, 28), rng.randint(7, 22), rng.randint(0, 59),
                       tzinfo=RIYADH)


def _id(rng: random.Random) -> str:
    from mustafid.core.reference import damm

    body = "".join(rng.choice("0123456789") for _ in range(11))  # a reference as the intake makes them
    full = body + damm(body)
    return f"{full[:4]}-{full[4:8]}-{full[8:]}"


__all__ = ["FileInfo", "iban", "make_valid", "national_id", "raw_answers"]
