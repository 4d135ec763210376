"""A yes/no re-check of stored answers, written for speed: CI checks every record on every pull request.

It answers only "certainly clean"; any "no" sends the record to validation.check_data, which finds and words
the problems. So it must never say yes where check_data would find a problem (the tests compare the two on
every example and on generated records); saying no too often only costs time. It relies on the record having
passed the form's JSON Schema first (types, patterns, enums, bounds).
"""

from __future__ import annotations

import datetime as dt
import operator
from collections.abc import Mapping, Sequence
from typing import Any

from mustafid.forms.conditions import answered, evaluate
from mustafid.forms.model import Field, FormDef
from mustafid.forms.types.registry import TYPES


class _Plan:
    """What the checks need from a form, computed once per form: lookups instead of scans, and the checks of
    the answers compiled into one Python function per form (see _Compiler)."""

    def __init__(self, form: FormDef) -> None:
        self.files = tuple((p, f) for p, f in form.walk() if f.type == "file" and "*" not in p)
        self.file_fields = dict(self.files)
        self.check = _Compiler(form).build()


_PLANS: dict[int, tuple[FormDef, _Plan]] = {}


def _plan(form: FormDef) -> _Plan:
    hit = _PLANS.get(id(form))
    if hit is None or hit[0] is not form:
        hit = _PLANS[id(form)] = (form, _Plan(form))
    return hit[1]


def _op_equals(v: Any, arg: Any) -> bool:
    return v == arg or (str(v) == str(arg) and not isinstance(v, bool))


def _op_in(v: Any, arg: Any) -> bool:
    return v in arg or str(v) in [str(a) for a in arg]


_COMPARE = {"gt": operator.gt, "gte": operator.ge, "lt": operator.lt, "lte": operator.le}


def _op_cmp(v: Any, arg: Any, op: str) -> bool:
    try:
        return bool(_COMPARE[op](v, arg))
    except TypeError:
        return False


_HELPERS: dict[str, Any] = {
    "answered": answered, "_op_equals": _op_equals, "_op_in": _op_in, "_op_cmp": _op_cmp, "_MISSING": object(),
    # and each type's own (its lines call them by these names)
    **{name: fn for t in TYPES.values() for name, fn in t.helpers.items()},
}


class _Compiler:
    """The form's checks as Python source, compiled once: straight-line code per field, instead of looking at
    each field's type and conditions again for every record (CI re-checks every record on every pull request).

    It says exactly what the interpretive rules say (validation.check_data finds nothing; conditions.evaluate
    for relevance and constraints): tests compare it with check_data on every example, generated records and
    broken ones. Values from the definition enter the code only as named constants, never as source text."""

    def __init__(self, form: FormDef) -> None:
        self.form = form
        self.consts: dict[str, Any] = dict(_HELPERS)
        self.lines: list[str] = []   # the function being written
        self.functions: list[str] = []  # the ones written (a group's before the list that holds it)
        self.n = 0

    def const(self, value: Any) -> str:
        name = f"_k{len(self.consts)}"
        self.consts[name] = value
        return name

    def fresh(self, stem: str) -> str:
        self.n += 1
        return f"{stem}{self.n}"

    def emit(self, depth: int, line: str) -> None:
        self.lines.append("    " * depth + line)

    # conditions.evaluate, as an expression
    def cond(self, c: Any, in_item: bool, this: str | None) -> str:
        if c is None:
            return "True"
        if "all" in c:
            return "(" + " and ".join([self.cond(x, in_item, this) for x in c["all"]] or ["True"]) + ")"
        if "any" in c:
            return "(" + " or ".join([self.cond(x, in_item, this) for x in c["any"]] or ["False"]) + ")"
        if "not" in c:
            return f"(not {self.cond(c['not'], in_item, this)})"
        got = self.lookup(c.get("field", "."), in_item, this)
        v = self.fresh("_c")
        parts: list[str] = []
        for op, raw in c.items():
            if op == "field":
                continue
            arg = self.operand(raw, in_item, this)
            bind = f"({v} := {got})" if not parts else v  # the first test reads the answer, the others reuse it
            if op == "answered":
                parts.append(f"(answered({bind}) == bool({arg}))")
                continue
            test = {"equals": f"_op_equals({v}, {arg})", "not_equals": f"(not _op_equals({v}, {arg}))",
                    "in": f"_op_in({v}, {arg})", "not_in": f"(not _op_in({v}, {arg}))",
                    "includes": f"(isinstance({v}, list) and {arg} in {v})"}.get(op)
            if test is None and op in ("gt", "gte", "lt", "lte"):
                test = f"_op_cmp({v}, {arg}, {op!r})"
            parts.append(f"((answered({bind}) or {v} is False) and {test})" if test else "False")
        return "(" + " and ".join(parts or ["True"]) + ")"

    def lookup(self, name: str, in_item: bool, this: str | None) -> str:
        if name == ".":
            return this or "None"
        key = self.const(name)
        return f"(item[{key}] if {key} in item else data.get({key}))" if in_item else f"data.get({key})"

    def operand(self, raw: Any, in_item: bool, this: str | None) -> str:
        if isinstance(raw, dict):
            if "field" in raw:
                return self.lookup(raw["field"], in_item, this)
            if "count" in raw:
                return f"len(data.get({self.const(raw['count'])}) or [])"
        return self.const(raw)

    def fields(self, fields: Sequence[Field], in_item: bool) -> str:
        """A function (values, data, item, today) -> bool for one list of fields (the form's, or a group's)."""
        name = self.fresh("_fields")
        held = [f for f in fields if f.holds_data]
        body: list[str] = []
        saved, self.lines = self.lines, body
        self.emit(1, f"if not {self.const(frozenset(f.id for f in held))}.issuperset(values): return False")
        for f in held:
            key = self.const(f.id)
            self.emit(1, f"# {f.id} ({f.type})")
            depth = 1
            if f.relevant is not None:
                self.emit(1, f"if not {self.cond(f.relevant, in_item, None)}:")
                self.emit(2, f"if {key} in values: return False")
                self.emit(1, "else:")
                depth = 2
            TYPES[f.type].fast_field(self, f, depth, in_item)
            if depth == 2 and self.lines[-1].endswith("else:"):
                self.emit(2, "pass")
        self.emit(1, "return True")
        self.lines = saved
        self.functions += [f"def {name}(values, data, item, today):", *body, ""]
        return name

    def build(self) -> Any:
        top = self.fields(self.form.fields, in_item=False)
        rules = [f"({self.cond(r.when, in_item=False, this=None)} and not "
                 f"{self.cond(r.check, in_item=False, this=None)})" for r in self.form.rules]
        self.functions += ["def _check(data, today):", f"    if not {top}(data, data, None, today): return False",
                           *(f"    if {r}: return False" for r in rules), "    return True", ""]
        source = "\n".join(self.functions)
        namespace = dict(self.consts)
        exec(compile(source, f"<fastcheck {self.form.id}>", "exec"), namespace)  # noqa: S102 - our own generated source
        check = namespace["_check"]
        check.source = source
        return check


def data_ok(form: FormDef, data: Any, today: dt.date | None, documents: Sequence[Mapping[str, Any]]) -> bool:
    """True only if check_data(form, data, today, documents) would find nothing."""
    if not isinstance(data, dict) or today is None:
        return False
    plan = _plan(form)
    return plan.check(data, today) and _documents_ok(plan, data, documents)


def _documents_ok(plan: _Plan, data: Mapping[str, Any], documents: Sequence[Mapping[str, Any]]) -> bool:
    """check_documents' rules, without building messages."""
    seen: dict[str, int] = {}
    for d in documents:
        path = d.get("field", "")
        f = plan.file_fields.get(path)
        if f is None:  # a document for a field the form does not have: let the careful path word it
            return False
        ext = str(d.get("name", "")).rsplit(".", 1)[-1].lower()
        if ext not in f.accept or int(d.get("size", 0)) > f.max_size_mb * 1_000_000:
            return False
        seen[path] = seen.get(path, 0) + 1
    for path, f in plan.files:
        n = seen.get(path, 0)
        if n == 0:
            if f.required and (f.relevant is None or evaluate(f.relevant, data)):
                return False
        elif n > 1 and not f.multiple:
            return False
    return True
