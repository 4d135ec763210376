"""Numbers: ``integer`` (a count, an age) and ``money`` (riyals, at most two decimals)."""

from __future__ import annotations

import re
from typing import Any

from mustafid.core.normalize import normalize_text
from mustafid.forms import messages as M
from mustafid.forms.model import Field, FormDef
from mustafid.forms.types.base import Answer, Emitter, FieldType, ObjectSchema
from mustafid.forms.widgets import Node, PageBuilder


def number(s: str, integer: bool) -> int | float:
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


def money_ok(v: Any) -> bool:
    if isinstance(v, bool) or not isinstance(v, (int, float)):
        return False
    return not (isinstance(v, float) and (v == int(v) or round(v, 2) != v))


class Number(FieldType):
    keys = frozenset({"min", "max"})

    def __init__(self, name: str, *, integer: bool) -> None:
        super().__init__(name)
        self.integer = integer
        self.canonical_hint = "integer" if integer else "number"
        self.helpers = {} if integer else {"_money_ok": money_ok}

    def value(self, a: Answer) -> Any:
        f = a.field
        try:
            n = number(normalize_text(a.text, identifier=True), self.integer)
        except ValueError:
            a.problem(M.NOT_A_NUMBER if self.integer else M.NOT_MONEY, "number")
            return None
        except OverflowError:  # digits, but far too many: say so rather than "digits only"
            if f.max is not None:
                a.problem(M.TOO_LARGE.format(max=f.max), "max")
            else:
                a.problem(M.NUMBER_TOO_LONG, "number")
            return None
        if f.min is not None and n < f.min:
            a.problem(M.TOO_SMALL.format(min=f.min), "min")
        if f.max is not None and n > f.max:
            a.problem(M.TOO_LARGE.format(max=f.max), "max")
        return n

    def schema(self, _form: FormDef, f: Field, _objects: ObjectSchema) -> dict[str, Any]:
        return bounded("integer" if self.integer else "number", f)

    def input_attrs(self, _b: PageBuilder, _n: Node, _f: Field) -> dict[str, str]:
        return {"inputmode": "numeric" if self.integer else "decimal", "dir": "ltr", "class": "mf-w-short"}

    def fast(self, c: Emitter, f: Field, depth: int, _in_item: bool) -> None:
        if self.integer:
            c.emit(depth, "if isinstance(v, bool) or not isinstance(v, int): return False")
        else:
            c.emit(depth, "if not _money_ok(v): return False")
        if f.min is not None:
            c.emit(depth, f"if v < {c.const(f.min)}: return False")
        if f.max is not None:
            c.emit(depth, f"if v > {c.const(f.max)}: return False")


def bounded(json_type: str, f: Field) -> dict[str, Any]:
    """A number's schema with the definition's bounds."""
    s: dict[str, Any] = {"type": json_type}
    if f.min is not None:
        s["minimum"] = f.min
    if f.max is not None:
        s["maximum"] = f.max
    return s


INTEGER = Number("integer", integer=True)
MONEY = Number("money", integer=False)
