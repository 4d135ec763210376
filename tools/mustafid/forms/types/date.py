"""Dates: typed in either calendar (Hijri Umm al-Qura or Gregorian), stored as ISO Gregorian ``YYYY-MM-DD``;
bounds may be relative to the day of the check (``today-18y``)."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping
from typing import Any

from mustafid.forms import messages as M
from mustafid.forms import validators as V
from mustafid.forms.model import Field, FormDef
from mustafid.forms.types.base import Answer, Emitter, FieldType, ObjectSchema
from mustafid.forms.widgets import UI, Node, PageBuilder

_REL = re.compile(r"^today(?:([+-])([0-9]+)([dy]))?$")
_ISO = re.compile(r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$")
# `[0-9]`, never `\d`: `\d` matches Arabic-Indic digits in JSON Schema patterns.
DATE_PATTERN = r"^[0-9]{4}-(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])$"


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


def date_ok(v: Any, lo: Any, hi: Any, today: dt.date) -> bool:
    if not isinstance(v, str) or not _ISO.match(v) or not 1900 <= int(v[:4]) <= 2100:
        return False
    try:
        day = dt.date.fromisoformat(v)
    except ValueError:
        return False
    lo, hi = resolve_date(lo, today), resolve_date(hi, today)
    return not ((lo and day < lo) or (hi and day > hi))


class Date(FieldType):
    keys = frozenset({"min", "max", "calendar"})
    canonical_hint = "YYYY-MM-DD"
    helpers: Mapping[str, Any] = {"_date_ok": date_ok}

    def value(self, a: Answer) -> Any:
        f = a.field
        iso = V.date(a.s)
        day = dt.date.fromisoformat(iso)
        lo, hi = resolve_date(f.min, a.run.today), resolve_date(f.max, a.run.today)
        if lo and day < lo:
            a.problem(M.DATE_TOO_EARLY.format(min=lo.isoformat()), "min_date")
        if hi and day > hi:
            a.problem(M.DATE_TOO_LATE.format(max=hi.isoformat()), "max_date")
        return iso

    def schema(self, _form: FormDef, _f: Field, _objects: ObjectSchema) -> dict[str, Any]:
        return {"type": "string", "pattern": DATE_PATTERN}

    def input_attrs(self, b: PageBuilder, n: Node, f: Field) -> dict[str, str]:
        n.hint = n.hint or b.t(UI["date_gregorian" if f.calendar == "gregorian" else "date_hijri"])
        return {"dir": "ltr", "spellcheck": "false", "class": "mf-w-id"}

    def fast(self, c: Emitter, f: Field, depth: int, _in_item: bool) -> None:
        c.emit(depth, f"if not _date_ok(v, {c.const(f.min)}, {c.const(f.max)}, today): return False")


DATE = Date("date")
