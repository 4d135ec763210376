"""Raw input (a web form's fields or a staff entry) → normalised, typed answers + every problem with them.

``validate_input`` is what the intake and `mustafid submit` call; ``check_data`` re-checks the typed answers
of a stored record (CI) by the very same code, so a record valid for the intake is valid for CI and back.
Problems name the field path (``family.0.national_id``) and never the value: values are personal data.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from mustafid.core.errors import Problem
from mustafid.core.normalize import normalize_text
from mustafid.core.text import T
from mustafid.core.vocab import NO_WORDS, YES_WORDS
from mustafid.forms import messages as M
from mustafid.forms import validators as V
from mustafid.forms.conditions import answered, evaluate
from mustafid.forms.model import Field, FormDef

Raw = Mapping[str, "str | list[str]"]
DECLARATION_FIELD = "_declaration"   # the checkbox "I confirm the data are correct" (value "yes")
CONSENT_FIELD = "_consent"           # the PDPL consent checkbox (value "yes"), when the form asks personal data
_REL = re.compile(r"^today(?:([+-])([0-9]+)([dy]))?$")


@dataclass(frozen=True)
class FileInfo:
    """An uploaded document as the intake saw it (bytes stay with the intake / git store)."""

    name: str
    type: str
    size: int
    sha256: str


class _Run:
    def __init__(self, form: FormDef, raw: Raw, today: dt.date) -> None:
        self.form, self.raw, self.today = form, raw, today
        self.problems: list[Problem] = []

    def problem(self, path: str, msg: T, code: str) -> None:
        self.problems.append(Problem("", path, msg.ar, msg.en, None, code))

    def get(self, key: str) -> str | list[str] | None:
        return self.raw.get(key)


def _one(v: str | list[str] | None) -> str:
    if isinstance(v, list):
        v = next((x for x in v if x), "")
    return v or ""


def resolve_date(spec: Any, today: dt.date) -> dt.date | None:
    """``2020-01-01``, ``today``, ``today-18y``, ``today+30d``."""
    if spec is None:
        return None
    if isinstance(spec, dt.date):
        return spec
    m = _REL.match(str(spec))
    if not m:
        return dt.date.fromisoformat(str(spec))
    if not m.group(1):
        return today
    n = int(m.group(2)) * (1 if m.group(1) == "+" else -1)
    if m.group(3) == "d":
        return today + dt.timedelta(days=n)
    try:
        return today.replace(year=today.year + n)
    except ValueError:  # 29 February
        return today.replace(year=today.year + n, day=28)


def _number(s: str, integer: bool) -> int | float:
    """The number typed; ValueError when it is not one, OverflowError when it has more digits than any count or
    amount (Python would refuse past 4,300 of them, or overflow to infinity)."""
    s = s.replace(",", "").replace("٬", "").replace(" ", "")
    shape = r"-?([0-9]+)" if integer else r"-?([0-9]+)(\.[0-9]{1,2})?"
    m = re.fullmatch(shape, s)
    if m is None:
        raise ValueError
    if len(m.group(1)) > (15 if integer else 13):
        raise OverflowError
    if integer:
        return int(s)
    f = round(float(s), 2)
    return int(f) if f == int(f) else f


def _parse(run: _Run, f: Field, key: str, data: Mapping[str, Any], item: Mapping[str, Any] | None) -> Any:
    """One answer's typed value, or None when absent. Problems go to ``run``."""
    form = run.form
    if f.type == "national_address":
        parts = {p: _one(run.get(f"{key}.{p}")) for p in V.ADDRESS_PARTS}
        if not any(normalize_text(v) for v in parts.values()):
            return None
        value, errors = V.national_address(parts)
        for part, err in errors.items():
            run.problem(f"{key}.{part}", err.message, err.code)
        return value
    if f.type == "multi_choice":
        raw = run.get(key)
        values = [normalize_text(x) for x in (raw if isinstance(raw, list) else [raw] if raw else [])]
        values = list(dict.fromkeys(v for v in values if v))
        if not values:
            return None
        allowed = {c.value for c in form.choices.get(f.choices or "", ())}
        if any(v not in allowed for v in values):
            run.problem(key, M.BAD_CHOICE, "choice")
            return None
        if f.min_choices and len(values) < f.min_choices:
            run.problem(key, M.TOO_FEW_CHOICES.format(min=f.min_choices), "min_choices")
        if f.max_choices and len(values) > f.max_choices:
            run.problem(key, M.TOO_MANY_CHOICES.format(max=f.max_choices), "max_choices")
        order = [c.value for c in form.choices[f.choices or ""]]
        return sorted(values, key=order.index)  # stored in list order: the same answer is the same record
    text = _one(run.get(key))
    s = normalize_text(text, multiline=f.type == "long_text")
    if not s:
        return None
    try:
        if f.type in ("text", "long_text"):
            if f.min_length and len(s) < f.min_length:
                run.problem(key, M.TOO_SHORT.format(min=f.min_length), "min_length")
            if f.max_length and len(s) > f.max_length:
                run.problem(key, M.TOO_LONG.format(max=f.max_length), "max_length")
            if f.pattern and not re.fullmatch(f.pattern, s):
                run.problem(key, f.pattern_message or M.BAD_PATTERN, "pattern")
            return s
        if f.type in ("integer", "money"):
            try:
                n = _number(normalize_text(text, identifier=True), f.type == "integer")
            except ValueError:
                run.problem(key, M.NOT_A_NUMBER if f.type == "integer" else M.NOT_MONEY, "number")
                return None
            except OverflowError:  # digits, but far too many: say so rather than "digits only"
                if f.max is not None:
                    run.problem(key, M.TOO_LARGE.format(max=f.max), "max")
                else:
                    run.problem(key, M.NUMBER_TOO_LONG, "number")
                return None
            if f.min is not None and n < f.min:
                run.problem(key, M.TOO_SMALL.format(min=f.min), "min")
            if f.max is not None and n > f.max:
                run.problem(key, M.TOO_LARGE.format(max=f.max), "max")
            return n
        if f.type == "date":
            iso = V.date(s)
            day = dt.date.fromisoformat(iso)
            lo, hi = resolve_date(f.min, run.today), resolve_date(f.max, run.today)
            if lo and day < lo:
                run.problem(key, M.DATE_TOO_EARLY.format(min=lo.isoformat()), "min_date")
            if hi and day > hi:
                run.problem(key, M.DATE_TOO_LATE.format(max=hi.isoformat()), "max_date")
            return iso
        if f.type == "choice":
            choices = form.choices.get(f.choices or "", ())
            match = next((c for c in choices if c.value == s), None)
            if match is None:
                run.problem(key, M.BAD_CHOICE, "choice")
                return None
            if f.choice_filter:
                parent = item.get(f.choice_filter) if item and f.choice_filter in item else data.get(f.choice_filter)
                if parent is not None and match.attrs.get(f.choice_filter) != str(parent):
                    pf = form.field(f.choice_filter)
                    run.problem(key, T(M.BAD_FILTERED_CHOICE.ar.format(parent=pf.label.ar if pf else ""),
                                       M.BAD_FILTERED_CHOICE.en.format(parent=pf.label.en if pf else "")),
                                "filtered_choice")
                    return None
            return match.value
        if f.type == "yes_no":
            low = s.casefold()
            if low in YES_WORDS:
                return True
            if low in NO_WORDS:
                return False
            run.problem(key, M.NOT_YES_NO, "yes_no")
            return None
        if f.type == "phone":
            return V.mobile(s)
        if f.type == "national_id":
            return V.national_id(s)
        if f.type == "iban":
            return V.iban(s)
        if f.type == "email":
            return V.email(s)
    except V.Invalid as exc:
        run.problem(key, exc.message, exc.code)
        return None
    return None


def age_years(born: Any, today: dt.date) -> int | None:
    """Whole years from an ISO birth date to ``today`` (a calculated field's ``age_years``); None if unanswered."""
    if not born:
        return None
    b = dt.date.fromisoformat(born)
    return today.year - b.year - ((today.month, today.day) < (b.month, b.day))


def sum_of(parts: Sequence[tuple[Any, str]]) -> int | float:
    """A calculated ``sum``: each (answer, sub-field) adds the answer, or a repeat group's sub-field over its
    items; rounded to halalas, and an int when whole."""
    total: float = 0
    for v, sub in parts:
        if sub and isinstance(v, list):
            total += sum(x.get(sub) or 0 for x in v)
        elif isinstance(v, (int, float)) and not isinstance(v, bool):
            total += v
    total = round(total, 2)
    return int(total) if total == int(total) else total


def _calc(f: Field, data: Mapping[str, Any], item: Mapping[str, Any] | None, today: dt.date) -> Any:
    op, arg = next(iter((f.calc or {}).items()))
    scope = {**data, **(item or {})}
    if op == "count":
        return len(scope.get(arg) or [])
    if op == "age_years":
        return age_years(scope.get(arg), today)
    refs = [ref.partition(".") for ref in (arg if isinstance(arg, list) else [arg])]
    return sum_of([(scope.get(head), sub) for head, _, sub in refs])


def _fields(run: _Run, fields: Sequence[Field], prefix: str, data: dict[str, Any], item: dict[str, Any] | None) -> None:
    """Parse, then apply relevance/required/constraints in page order, so later relevance sees earlier answers."""
    target = item if item is not None else data
    for f in fields:
        key = prefix + f.id
        if f.type == "repeat":
            target[f.id] = _repeat(run, f, key, data)
        elif f.holds_data and f.type != "calculated":
            value = _parse(run, f, key, data, item)
            if value is not None:
                target[f.id] = value
    for f in fields:
        key = prefix + f.id
        if not evaluate(f.relevant, data, item):
            target.pop(f.id, None)
            run.problems = [p for p in run.problems if not (p.path == key or p.path.startswith(key + "."))]
            continue
        if f.type == "calculated":
            v = _calc(f, data, item, run.today)
            if v is not None:
                target[f.id] = v
            continue
        value = target.get(f.id)
        has_error = any(p.path == key or p.path.startswith(key + ".") for p in run.problems)
        if f.type == "repeat":
            if not value:
                target.pop(f.id, None)
            continue
        if f.required and not answered(value) and value is not False and not has_error and f.holds_data:
            run.problem(key, f.required_message or M.REQUIRED, "required")
        if answered(value) and not has_error:
            for c in f.constraints:
                if not evaluate(c["check"], data, item, value):
                    run.problem(key, c["message"], "constraint")


def _in_page_order(fields: Sequence[Field], values: Mapping[str, Any]) -> dict[str, Any]:
    """Answers in the order of the form (calculated fields are computed last but read where they stand)."""
    out: dict[str, Any] = {}
    for f in fields:
        if f.id in values:
            v = values[f.id]
            out[f.id] = [_in_page_order(f.fields, item) for item in v] if f.type == "repeat" else v
    return out


def _repeat(run: _Run, f: Field, key: str, data: dict[str, Any]) -> list[dict[str, Any]]:
    pat = re.compile(re.escape(key) + r"\.([0-9]{1,6})\.")
    indexes = sorted({int(m.group(1)) for k in run.raw if (m := pat.match(k))})
    items: list[dict[str, Any]] = []
    for out_i, i in enumerate(indexes):
        # Empty rows the page rendered but nobody filled are dropped, and the rest renumbered.
        if not any(normalize_text(_one(v)) for k, v in run.raw.items() if k.startswith(f"{key}.{i}.")):
            continue
        item: dict[str, Any] = {}
        sub = _Run(run.form, {f"{key}.{len(items)}.{k[len(f'{key}.{i}.'):]}": v for k, v in run.raw.items()
                              if k.startswith(f"{key}.{i}.")}, run.today)
        _fields(sub, f.fields, f"{key}.{len(items)}.", data, item)
        run.problems += sub.problems
        items.append(item)
    n = len(items)
    if evaluate(f.relevant, data):
        if (f.required and n == 0) or n < f.min_items:
            run.problem(key, M.TOO_FEW_ITEMS.format(min=max(f.min_items, 1)), "min_items")
        if f.max_items is not None and n > f.max_items:
            run.problem(key, M.TOO_MANY_ITEMS.format(max=f.max_items), "max_items")
    return items


def validate_input(form: FormDef, raw: Raw, lang: str = "ar", *, files: Mapping[str, Sequence[FileInfo]] | None = None,
                   require_declaration: bool = True, today: dt.date | None = None) -> tuple[dict[str, Any], list[Problem]]:
    """Flat fields (``family.0.name``; multi-choice as lists) → (typed answers keyed by field id, problems).

    ``lang`` is the language the applicant used (kept for messages that quote choices); every Problem carries
    both languages. ``files`` maps a file field's path to what was uploaded for it. ``today`` fixes relative
    dates and ages (a stored record is re-checked against its own submission day).
    """
    run = _Run(form, raw, today or dt.date.today())
    data: dict[str, Any] = {}
    _fields(run, form.fields, "", data, None)
    data = _in_page_order(form.fields, data)
    for rule in form.rules:
        if evaluate(rule.when, data) and not evaluate(rule.check, data):
            run.problem(rule.path, rule.message, rule.id)
    for path, f in form.walk():
        if f.type == "repeat" and f.count_from and "*" not in path and evaluate(f.relevant, data):
            count, items = data.get(f.count_from), len(data.get(f.id) or [])
            if isinstance(count, int) and count != items:
                run.problem(path, M.COUNT_MISMATCH.format(count=count, items=items), "count_mismatch")
    if files is not None:
        run.problems += check_documents(form, data, [{"field": k, "name": x.name, "type": x.type, "size": x.size}
                                                     for k, xs in files.items() for x in xs])
    if require_declaration:
        if _one(raw.get(DECLARATION_FIELD)).casefold() not in YES_WORDS:
            run.problem("declaration.confirmed", M.DECLARATION, "declaration")
        if form.asks_personal_data and _one(raw.get(CONSENT_FIELD)).casefold() not in YES_WORDS:
            run.problem("declaration.consent", M.CONSENT, "consent")
    return data, run.problems


def check_documents(form: FormDef, data: Mapping[str, Any], documents: Sequence[Mapping[str, Any]]) -> list[Problem]:
    """Documents against the form's file fields: required ones present (when relevant), types and sizes."""
    out: list[Problem] = []
    by_field: dict[str, list[Mapping[str, Any]]] = {}
    for d in documents:
        by_field.setdefault(str(d.get("field", "")), []).append(d)
    for path, f in form.walk():
        if f.type != "file" or "*" in path:
            continue
        got = by_field.get(path, [])
        if not got:
            if f.required and evaluate(f.relevant, data):
                out.append(Problem("", path, M.FILE_REQUIRED.ar, M.FILE_REQUIRED.en, None, "file_required"))
            continue
        if len(got) > 1 and not f.multiple:
            out.append(Problem("", path, M.TOO_MANY_FILES.ar, M.TOO_MANY_FILES.en, None, "file_count"))
        for d in got:
            ext = str(d.get("name", "")).rsplit(".", 1)[-1].lower()
            if ext not in f.accept:
                m = M.FILE_TYPE.format(accept=", ".join(f.accept))
                out.append(Problem("", path, m.ar, m.en, None, "file_type"))
            size = d.get("size", 0)  # a stored record's size that is not a number is the schema's problem
            if isinstance(size, int) and not isinstance(size, bool) and size > f.max_size_mb * 1_000_000:
                m = M.FILE_SIZE.format(max=f.max_size_mb)
                out.append(Problem("", path, m.ar, m.en, None, "file_size"))
    return out


def to_raw(form: FormDef, data: Mapping[str, Any]) -> dict[str, str | list[str]]:
    """Typed answers back to flat web-form fields: how a stored record is re-checked, and how the page is
    re-filled for an edit."""
    out: dict[str, str | list[str]] = {}

    def rec(fields: Sequence[Field], values: Mapping[str, Any], prefix: str) -> None:
        for f in fields:
            if f.id not in values or f.type == "calculated":
                continue
            v = values[f.id]
            key = prefix + f.id
            if f.type == "repeat" and isinstance(v, list):
                for i, item in enumerate(v):
                    if isinstance(item, Mapping):
                        rec(f.fields, item, f"{key}.{i}.")
            elif f.type == "national_address" and isinstance(v, Mapping):
                out.update({f"{key}.{k}": str(x) for k, x in v.items()})
            elif f.type == "multi_choice" and isinstance(v, list):
                out[key] = [str(x) for x in v]
            elif isinstance(v, bool):
                out[key] = "yes" if v else "no"
            elif v is not None:
                out[key] = str(v)

    rec(form.fields, data, "")
    return out


def check_data(form: FormDef, data: Mapping[str, Any], today: dt.date | None = None,
               documents: Sequence[Mapping[str, Any]] = ()) -> list[Problem]:
    """A stored record's answers, re-checked by the intake's own code: every rule, plus "stored in canonical
    form" (what the intake would have stored for the same input) and "no answers to questions that do not
    apply". Paths are relative to ``data``."""
    raw = to_raw(form, data)
    again, problems = validate_input(form, raw, require_declaration=False, today=today)
    problems += check_documents(form, again, documents)
    flagged = {p.path for p in problems}

    def diff(fields: Sequence[Field], want: Mapping[str, Any], have: Mapping[str, Any], prefix: str) -> None:
        for f in fields:
            key = prefix + f.id
            if key in flagged or (f.id not in have and f.id not in want):
                continue
            if f.id not in want and f.id in have:
                if f.holds_data:
                    problems.append(Problem("", key, M.NOT_RELEVANT.ar, M.NOT_RELEVANT.en, None, "not_relevant"))
                continue
            if f.type == "repeat" and isinstance(have.get(f.id), list):
                for i, (w, h) in enumerate(zip(want[f.id], have[f.id])):
                    diff(f.fields, w, h, f"{key}.{i}.")
            elif have.get(f.id) != want[f.id] or type(have.get(f.id)) is not type(want[f.id]):
                if f.type == "calculated":
                    m = M.CALC_MISMATCH.format(expected=want[f.id])
                    problems.append(Problem("", key, m.ar, m.en, None, "calculated"))
                elif f.id in have:
                    m = M.NOT_CANONICAL.format(expected=_canonical_hint(f))
                    problems.append(Problem("", key, m.ar, m.en, None, "not_canonical"))

    diff(form.fields, again, data, "")
    return problems


def _canonical_hint(f: Field) -> str:
    return {"phone": "+9665XXXXXXXX", "iban": "SA.. (24)", "date": "YYYY-MM-DD", "national_id": "10 digits",
            "money": "number", "integer": "integer"}.get(f.type, f.type)
