"""A yes/no re-check of stored answers, written for speed: CI checks every record on every pull request.

It answers only "certainly clean"; any "no" sends the record to validation.check_data, which finds and words
the problems. So it must never say yes where check_data would find a problem (the tests compare the two on
every example and on generated records); saying no too often only costs time. It relies on the record having
passed the form's JSON Schema first (types, patterns, enums, bounds).
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from functools import cache
from typing import Any, Mapping, Sequence

from . import validators as V
from .conditions import answered, evaluate
from .formdef import Field, FormDef
from .normalize import normalize_text
from .validation import _calc, resolve_date

_DATE = re.compile(r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$")
# Characters normalize_text would remove or change in any text (so a stored text holding them is not canonical):
# digits and separators it maps, invisible ones it strips, and every whitespace but the space and the line
# break (str.isspace: it folds them to a space). tests/forms/test_fastcheck.py tries every code point.
_UNCLEAN = re.compile("[\u0660-\u0669\u06f0-\u06f9\u066b\u066c\u200b-\u200f\u202a-\u202e\u2060\u2066-\u2069\ufeff\u061c"
                      "\t\x0b\x0c\r\x1c-\x1f\x85\u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]|  |\n\n\n")


class _Plan:
    """What the checks need from a form, computed once per form (lookups instead of scans)."""

    def __init__(self, form: FormDef) -> None:
        self.choices = {name: {c.value: c for c in lst} for name, lst in form.choices.items()}
        self.order = {name: {c.value: i for i, c in enumerate(lst)} for name, lst in form.choices.items()}
        self.data_fields: dict[int, tuple[tuple[Field, ...], frozenset[str]]] = {}
        self.patterns: dict[str, re.Pattern[str]] = {}
        self.files = tuple((p, f) for p, f in form.walk() if f.type == "file" and "*" not in p)

        def rec(fields: Sequence[Field]) -> None:
            held = tuple(f for f in fields if f.holds_data)
            self.data_fields[id(fields)] = (held, frozenset(f.id for f in held))
            for f in fields:
                if f.pattern:
                    self.patterns[f.pattern] = re.compile(f.pattern)
                if f.type == "repeat":
                    rec(f.fields)

        self.top = form.fields  # a property building a new tuple: keep this one, its id keys data_fields
        rec(self.top)


_PLANS: dict[int, tuple[FormDef, _Plan]] = {}


def _plan(form: FormDef) -> _Plan:
    hit = _PLANS.get(id(form))
    if hit is None or hit[0] is not form:
        hit = _PLANS[id(form)] = (form, _Plan(form))
    return hit[1]


@cache
def _mobile_re() -> re.Pattern[str]:
    import phonenumbers

    md = phonenumbers.PhoneMetadata.metadata_for_region("SA")
    return re.compile(f"(?:{md.mobile.national_number_pattern})")


def mobile_ok(s: str) -> bool:
    return bool(V.MOBILE_RE.match(s)) and bool(_mobile_re().fullmatch(s[4:]))


def _text_ok(s: str, multiline: bool) -> bool:
    if not s or s != s.strip() or _UNCLEAN.search(s) or not unicodedata.is_normalized("NFC", s):
        return False
    if not multiline and "\n" in s:
        return False
    return s == normalize_text(s, multiline=multiline) if multiline else True


def _value_ok(form: FormDef, plan: _Plan, f: Field, v: Any, data: Mapping[str, Any], item: Mapping[str, Any] | None,
              today: dt.date) -> bool:
    t = f.type
    if t in ("text", "long_text"):
        if not isinstance(v, str) or not _text_ok(v, t == "long_text"):
            return False
        if f.min_length and len(v) < f.min_length or f.max_length and len(v) > f.max_length:
            return False
        return not f.pattern or bool(plan.patterns[f.pattern].fullmatch(v))
    if t in ("integer", "money"):
        if isinstance(v, bool) or not isinstance(v, (int, float)):
            return False
        if t == "integer" and not isinstance(v, int) or t == "money" and isinstance(v, float) and (v == int(v) or round(v, 2) != v):
            return False
        return not (f.min is not None and v < f.min or f.max is not None and v > f.max)
    if t == "date":
        if not isinstance(v, str) or not _DATE.match(v) or not 1900 <= int(v[:4]) <= 2100:
            return False
        try:
            day = dt.date.fromisoformat(v)
        except ValueError:
            return False
        lo, hi = resolve_date(f.min, today), resolve_date(f.max, today)
        return not (lo and day < lo or hi and day > hi)
    if t == "choice":
        match = plan.choices.get(f.choices or "", {}).get(v) if isinstance(v, str) else None
        if match is None:
            return False
        if f.choice_filter:
            parent = item.get(f.choice_filter) if item and f.choice_filter in item else data.get(f.choice_filter)
            if parent is not None and match.attrs.get(f.choice_filter) != str(parent):
                return False
        return True
    if t == "multi_choice":
        order = plan.order.get(f.choices or "", {})
        if not isinstance(v, list) or not v or any(not isinstance(x, str) or x not in order for x in v):
            return False
        idx = [order[x] for x in v]
        if any(a >= b for a, b in zip(idx, idx[1:])):  # strictly increasing: list order, no repeats
            return False
        return not (f.min_choices and len(v) < f.min_choices or f.max_choices and len(v) > f.max_choices)
    if t == "yes_no":
        return isinstance(v, bool)
    if t == "phone":
        return isinstance(v, str) and mobile_ok(v)
    if t == "national_id":
        return isinstance(v, str) and bool(V.NATIONAL_ID_RE.match(v)) and V.luhn_ok(v)
    if t == "iban":
        return isinstance(v, str) and bool(V.IBAN_RE.match(v)) and int("".join(str(int(c, 36)) for c in v[4:] + v[:4])) % 97 == 1
    if t == "email":
        try:
            return isinstance(v, str) and V.email(v) == v
        except V.Invalid:
            return False
    if t == "national_address":
        return isinstance(v, dict) and _address_ok(v)
    return False


_ADDRESS_IDS = {k: re.compile(rule) for k, (rule, _) in V._ADDRESS_RULES.items()}


def _address_ok(v: Mapping[str, Any]) -> bool:
    """V.national_address(v) == (v, {}): every part known and already canonical, the required ones there."""
    if any(k not in v for k in V.ADDRESS_REQUIRED):
        return False
    for k, x in v.items():
        if not isinstance(x, str):
            return False
        rule = _ADDRESS_IDS.get(k)
        if rule is not None:
            # The identifier rules are ASCII only, which identifier normalisation leaves as it is.
            if not rule.fullmatch(x):
                return False
        elif k not in V.ADDRESS_PARTS or len(x) > 100 or not _text_ok(x, False):
            return False
    return True


def _fields_ok(form: FormDef, plan: _Plan, fields: Sequence[Field], values: Mapping[str, Any],
               data: Mapping[str, Any], item: Mapping[str, Any] | None, today: dt.date) -> bool:
    held, known = plan.data_fields[id(fields)]
    if not known.issuperset(values):
        return False
    for f in held:
        present = f.id in values
        if f.relevant is not None and not evaluate(f.relevant, data, item):
            if present:
                return False
            continue
        v = values.get(f.id)
        if f.type == "calculated":
            want = _calc(f, data, item, today)
            if want is None and present or want is not None and (v != want or type(v) is not type(want)):
                return False
            continue
        if f.type == "repeat":
            if present and (not isinstance(v, list) or not v):
                return False
            items = v or []
            if f.required and not items or len(items) < f.min_items or f.max_items is not None and len(items) > f.max_items:
                return False
            for it in items:
                if not isinstance(it, dict) or not any(answered(x) or x is False for x in it.values()):
                    return False
                if not _fields_ok(form, plan, f.fields, it, data, it, today):
                    return False
            if f.count_from and item is None:
                count = data.get(f.count_from)
                if isinstance(count, int) and count != len(items):
                    return False
            continue
        if not present:
            if f.required:
                return False
            continue
        if not _value_ok(form, plan, f, v, data, item, today):
            return False
        if f.constraints and any(not evaluate(c["check"], data, item, v) for c in f.constraints):
            return False
    return True


def data_ok(form: FormDef, data: Any, today: dt.date | None, documents: Sequence[Mapping[str, Any]]) -> bool:
    """True only if check_data(form, data, today, documents) would find nothing."""
    if not isinstance(data, dict) or today is None:
        return False
    plan = _plan(form)
    if not _fields_ok(form, plan, plan.top, data, data, None, today):
        return False
    if any(evaluate(r.when, data) and not evaluate(r.check, data) for r in form.rules):
        return False
    return _documents_ok(plan, data, documents)


def _documents_ok(plan: _Plan, data: Mapping[str, Any], documents: Sequence[Mapping[str, Any]]) -> bool:
    """check_documents' rules, without building messages."""
    seen: dict[str, int] = {}
    for d in documents:
        seen[d.get("field", "")] = seen.get(d.get("field", ""), 0) + 1
    for path, f in plan.files:
        n = seen.pop(path, 0)
        if n == 0:
            if f.required and (f.relevant is None or evaluate(f.relevant, data)):
                return False
        elif n > 1 and not f.multiple:
            return False
    if seen:  # documents for fields the form does not have: let the careful path word it
        return False
    for d in documents:
        f = next((f for p, f in plan.files if p == d.get("field")), None)
        if f is None or str(d.get("name", "")).rsplit(".", 1)[-1].lower() not in f.accept or \
                int(d.get("size", 0)) > f.max_size_mb * 1_000_000:
            return False
    return True
