"""Calculated answers (``calc: {sum: [...]}``, ``{count: group}``, ``{age_years: birth_date}``): worked out from
the other answers, never typed; a stored record must hold exactly what they work out to."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from typing import Any

from mustafid.forms.model import CALC_OPS, Field, FormDef
from mustafid.forms.types.base import Definition, Emitter, FieldType, ObjectSchema, RawFields, RawOf
from mustafid.forms.types.numbers import bounded
from mustafid.forms.widgets import UI, Node, PageBuilder


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


def calculate(f: Field, data: Mapping[str, Any], item: Mapping[str, Any] | None, today: dt.date) -> Any:
    """The field's value from the answers (the item's first, then the form's)."""
    op, arg = next(iter((f.calc or {}).items()))
    scope = {**data, **(item or {})}
    if op == "count":
        return len(scope.get(arg) or [])
    if op == "age_years":
        return age_years(scope.get(arg), today)
    refs = [ref.partition(".") for ref in (arg if isinstance(arg, list) else [arg])]
    return sum_of([(scope.get(head), sub) for head, _, sub in refs])


class Calculated(FieldType):
    keys = frozenset({"calc"})
    focusable = False
    helpers: Mapping[str, Any] = {"_age": age_years, "_sum": sum_of}

    def define(self, ctx: Definition, raw: Mapping[str, Any], _kw: dict[str, Any], where: list[Any]) -> None:
        calc = raw.get("calc")
        if not isinstance(calc, dict) or len(calc) != 1 or next(iter(calc)) not in CALC_OPS:
            ctx.err([*where, "calc"], "الحساب واحد من: " + "، ".join(CALC_OPS),
                    "calc is one of: " + ", ".join(CALC_OPS))

    def as_raw(self, _f: Field, _key: str, _v: Any, _out: RawFields, _sub: RawOf) -> None:
        """Never posted: worked out again from the other answers."""

    def schema(self, _form: FormDef, f: Field, _objects: ObjectSchema) -> dict[str, Any]:
        return bounded("number", f)

    def widget(self, b: PageBuilder, n: Node, _f: Field, _path: str, in_repeat: bool) -> Node | None:
        if in_repeat:
            return None
        # Shown as it is worked out: the server's figure after each check as you go (JavaScript), and on the
        # check page in any case.
        n.kind, n.text = "calc", b.t(UI["calc_pending"])
        return n

    def fast_field(self, c: Emitter, f: Field, depth: int, in_item: bool) -> None:
        c.emit(depth, f"want = {self.expression(c, f, in_item)}")
        c.emit(depth, f"v = values.get({c.const(f.id)}, _MISSING)")
        c.emit(depth, "if want is None and v is not _MISSING or want is not None and "
                      "(v != want or type(v) is not type(want)): return False")

    @staticmethod
    def expression(c: Emitter, f: Field, in_item: bool) -> str:
        """``calculate`` as an expression of the generated code."""
        op, arg = next(iter((f.calc or {}).items()))
        if op == "count":
            return f"len({c.lookup(arg, in_item, None)} or [])"
        if op == "age_years":
            return f"_age({c.lookup(arg, in_item, None)}, today)"
        parts = []
        for ref in arg if isinstance(arg, list) else [arg]:
            head, _, sub = ref.partition(".")
            parts.append(f"({c.lookup(head, in_item, None)}, {c.const(sub)})")
        return f"_sum(({', '.join(parts)},))"


CALCULATED = Calculated("calculated")
