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
from mustafid.core.period import riyadh_today
from mustafid.core.text import T
from mustafid.core.vocab import YES_WORDS
from mustafid.forms import messages as M
from mustafid.forms.conditions import answered, evaluate
from mustafid.forms.model import Field, FormDef
from mustafid.forms.types.base import Answer, one
from mustafid.forms.types.calculated import calculate
from mustafid.forms.types.registry import TYPES

Raw = Mapping[str, "str | list[str]"]
DECLARATION_FIELD = "_declaration"   # the checkbox "I confirm the data are correct" (value "yes")
CONSENT_FIELD = "_consent"           # the PDPL consent checkbox (value "yes"), when the form asks personal data


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


def _fields(run: _Run, fields: Sequence[Field], prefix: str, data: dict[str, Any], item: dict[str, Any] | None) -> None:
    """Parse, then apply relevance/required/constraints in page order, so later relevance sees earlier answers."""
    target = item if item is not None else data
    for f in fields:
        key = prefix + f.id
        if f.type == "repeat":
            target[f.id] = _repeat(run, f, key, data)
        elif f.holds_data and f.type != "calculated":
            value = TYPES[f.type].parse(Answer(run, f, key, data, item))
            if value is not None:
                target[f.id] = value
    for f in fields:
        key = prefix + f.id
        if not evaluate(f.relevant, data, item):
            target.pop(f.id, None)
            run.problems = [p for p in run.problems if not (p.path == key or p.path.startswith(key + "."))]
            continue
        if f.type == "calculated":
            v = calculate(f, data, item, run.today)
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
    for i in indexes:
        # Empty rows the page rendered but nobody filled are dropped, and the rest renumbered.
        if not any(normalize_text(one(v)) for k, v in run.raw.items() if k.startswith(f"{key}.{i}.")):
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


def validate_input(form: FormDef, raw: Raw, lang: str = "ar", *,  # noqa: ARG001 - the callers' contract
                   files: Mapping[str, Sequence[FileInfo]] | None = None, require_declaration: bool = True,
                   today: dt.date | None = None) -> tuple[dict[str, Any], list[Problem]]:
    """Flat fields (``family.0.name``; multi-choice as lists) → (typed answers keyed by field id, problems).

    ``lang`` is the language the applicant used (kept for messages that quote choices); every Problem carries
    both languages. ``files`` maps a file field's path to what was uploaded for it. ``today`` fixes relative
    dates and ages (a stored record is re-checked against its own submission day).
    """
    run = _Run(form, raw, today or riyadh_today())
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
        if one(raw.get(DECLARATION_FIELD)).casefold() not in YES_WORDS:
            run.problem("declaration.confirmed", M.DECLARATION, "declaration")
        if form.asks_personal_data and one(raw.get(CONSENT_FIELD)).casefold() not in YES_WORDS:
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
            if f.id in values:
                TYPES[f.type].as_raw(f, prefix + f.id, values[f.id], out, rec)

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
                for i, (w, h) in enumerate(zip(want[f.id], have[f.id], strict=False)):
                    diff(f.fields, w, h, f"{key}.{i}.")
            elif have.get(f.id) != want[f.id] or type(have.get(f.id)) is not type(want[f.id]):
                if f.type == "calculated":
                    m = M.CALC_MISMATCH.format(expected=want[f.id])
                    problems.append(Problem("", key, m.ar, m.en, None, "calculated"))
                elif f.id in have:
                    m = M.NOT_CANONICAL.format(expected=TYPES[f.type].stored_form)
                    problems.append(Problem("", key, m.ar, m.en, None, "not_canonical"))

    diff(form.fields, again, data, "")
    return problems


