"""A yes/no re-check of stored answers, written for speed: CI checks every record on every pull request.

It answers only "certainly clean"; any "no" sends the record to validation.check_data, which finds and words
the problems. So it must never say yes where check_data would find a problem (the tests compare the two on
every example and on generated records); saying no too often only costs time. It relies on the record having
passed the form's JSON Schema first (types, patterns, enums, bounds).
"""

from __future__ import annotations

import datetime as dt
import operator
import re
import unicodedata
from collections.abc import Mapping, Sequence
from functools import cache
from typing import Any

from mustafid.forms import validators as V
from mustafid.forms.conditions import answered, evaluate
from mustafid.forms.model import Field, FormDef
from mustafid.forms.validation import age_years, resolve_date, sum_of

_DATE = re.compile(r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$")
# Characters normalize_text would remove or change in any text (so a stored text holding them is not canonical):
# digits and separators it maps, invisible ones it strips, and every whitespace but the space and the line
# break (str.isspace: it folds them to a space). tests/forms/test_fastcheck.py tries every code point.
_UNCLEAN_CHARS = ("\u0660-\u0669\u06f0-\u06f9\u066b\u066c\u200b-\u200f\u202a-\u202e\u2060\u2066-\u2069\ufeff\u061c"
                  "\t\x0b\x0c\r\x1c-\x1f\x85\u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000")
# A text answer normalize_text leaves as it is has none of those, no double space, no line that starts or ends
# with a space, no run of three line breaks, and (one line) no line break at all; its ends are checked apart.
_UNCLEAN_LINE = re.compile(f"[{_UNCLEAN_CHARS}\n]|  ")
_UNCLEAN_TEXT = re.compile(f"[{_UNCLEAN_CHARS}]|  | \n|\n |\n\n\n")


class _Plan:
    """What the checks need from a form, computed once per form: lookups instead of scans, and the checks of
    the answers compiled into one Python function per form (see _Compiler)."""

    def __init__(self, form: FormDef) -> None:
        self.choices = {name: {c.value: c for c in lst} for name, lst in form.choices.items()}
        self.order = {name: {c.value: i for i, c in enumerate(lst)} for name, lst in form.choices.items()}
        self.files = tuple((p, f) for p, f in form.walk() if f.type == "file" and "*" not in p)
        self.file_fields = dict(self.files)
        self.check = _Compiler(form, self).build()


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
    """normalize_text(s, multiline=multiline) == s != "", without normalising (tests compare the two)."""
    if not s or s[0] in " \n" or s[-1] in " \n":
        return False
    if (_UNCLEAN_TEXT if multiline else _UNCLEAN_LINE).search(s):
        return False
    return unicodedata.is_normalized("NFC", s)


def _money_ok(v: Any) -> bool:
    if isinstance(v, bool) or not isinstance(v, (int, float)):
        return False
    return not (isinstance(v, float) and (v == int(v) or round(v, 2) != v))


def _date_ok(v: Any, lo: Any, hi: Any, today: dt.date) -> bool:
    if not isinstance(v, str) or not _DATE.match(v) or not 1900 <= int(v[:4]) <= 2100:
        return False
    try:
        day = dt.date.fromisoformat(v)
    except ValueError:
        return False
    lo, hi = resolve_date(lo, today), resolve_date(hi, today)
    return not ((lo and day < lo) or (hi and day > hi))


def _multi_ok(v: Any, order: Mapping[str, int], least: int | None, most: int | None) -> bool:
    if not isinstance(v, list) or not v:
        return False
    last = -1
    for x in v:  # every one a known choice, in the list's order, none twice: strictly increasing positions
        i = order.get(x) if isinstance(x, str) else None
        if i is None or i <= last:
            return False
        last = i
    return not ((least and len(v) < least) or (most and len(v) > most))


_IBAN_LETTERS = {ord(c): str(10 + i) for i, c in enumerate("ABCDEFGHIJKLMNOPQRSTUVWXYZ")}  # ISO 13616: A=10 … Z=35


def _iban_ok(v: Any) -> bool:
    return isinstance(v, str) and bool(V.IBAN_RE.match(v)) and int((v[4:] + v[:4]).translate(_IBAN_LETTERS)) % 97 == 1


def _email_ok(v: Any) -> bool:
    try:
        return isinstance(v, str) and V.email(v) == v
    except V.Invalid:
        return False


def _item_ok(it: Any) -> bool:
    return isinstance(it, dict) and any(answered(x) or x is False for x in it.values())


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


_HELPERS = {
    "_text_ok": _text_ok, "_money_ok": _money_ok, "_date_ok": _date_ok, "_multi_ok": _multi_ok,
    "_iban_ok": _iban_ok, "_email_ok": _email_ok, "_address_ok": _address_ok, "_item_ok": _item_ok,
    "mobile_ok": mobile_ok, "_id_re": V.NATIONAL_ID_RE, "_luhn": V.luhn_ok, "answered": answered,
    "_age": age_years, "_sum": sum_of, "_op_equals": _op_equals, "_op_in": _op_in, "_op_cmp": _op_cmp, "_MISSING": object(),
}


# Types whose whole check is one line of the generated code (`v` is the answer).
_ONE_LINE_CHECKS = {
    "yes_no": "if not isinstance(v, bool): return False",
    "phone": "if not isinstance(v, str) or not mobile_ok(v): return False",
    "national_id": "if not isinstance(v, str) or not _id_re.match(v) or not _luhn(v): return False",
    "iban": "if not _iban_ok(v): return False",
    "email": "if not _email_ok(v): return False",
    "national_address": "if not isinstance(v, dict) or not _address_ok(v): return False",
}


class _Compiler:
    """The form's checks as Python source, compiled once: straight-line code per field, instead of looking at
    each field's type and conditions again for every record (CI re-checks every record on every pull request).

    It says exactly what the interpretive rules say (validation.check_data finds nothing; conditions.evaluate
    for relevance and constraints): tests compare it with check_data on every example, generated records and
    broken ones. Values from the definition enter the code only as named constants, never as source text."""

    def __init__(self, form: FormDef, plan: _Plan) -> None:
        self.form, self.plan = form, plan
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

    def calc(self, f: Field, in_item: bool) -> str:
        """validation._calc as an expression (the item's answers first, then the form's)."""
        op, arg = next(iter((f.calc or {}).items()))
        if op == "count":
            return f"len({self.lookup(arg, in_item, None)} or [])"
        if op == "age_years":
            return f"_age({self.lookup(arg, in_item, None)}, today)"
        parts = []
        for ref in arg if isinstance(arg, list) else [arg]:
            head, _, sub = ref.partition(".")
            parts.append(f"({self.lookup(head, in_item, None)}, {self.const(sub)})")
        return f"_sum(({', '.join(parts)},))"

    def operand(self, raw: Any, in_item: bool, this: str | None) -> str:
        if isinstance(raw, dict):
            if "field" in raw:
                return self.lookup(raw["field"], in_item, this)
            if "count" in raw:
                return f"len(data.get({self.const(raw['count'])}) or [])"
        return self.const(raw)

    # _value_ok, as statements that return False
    def value(self, f: Field, depth: int, in_item: bool) -> None:
        t, e = f.type, lambda line: self.emit(depth, line)
        if t in ("text", "long_text"):
            e(f"if not isinstance(v, str) or not _text_ok(v, {t == 'long_text'}): return False")
            if f.min_length:
                e(f"if len(v) < {int(f.min_length)}: return False")
            if f.max_length:
                e(f"if len(v) > {int(f.max_length)}: return False")
            if f.pattern:
                e(f"if not {self.const(re.compile(f.pattern))}.fullmatch(v): return False")
        elif t in ("integer", "money"):
            if t == "integer":
                e("if isinstance(v, bool) or not isinstance(v, int): return False")
            else:
                e("if not _money_ok(v): return False")
            if f.min is not None:
                e(f"if v < {self.const(f.min)}: return False")
            if f.max is not None:
                e(f"if v > {self.const(f.max)}: return False")
        elif t == "date":
            e(f"if not _date_ok(v, {self.const(f.min)}, {self.const(f.max)}, today): return False")
        elif t == "choice":
            table = self.const(self.plan.choices.get(f.choices or "", {}))
            e(f"m = {table}.get(v) if isinstance(v, str) else None")
            e("if m is None: return False")
            if f.choice_filter:
                key = self.const(f.choice_filter)
                parent = f"(item.get({key}) if item and {key} in item else data.get({key}))" if in_item else f"data.get({key})"
                e(f"p = {parent}")
                e(f"if p is not None and m.attrs.get({key}) != str(p): return False")
        elif t == "multi_choice":
            order = self.const(self.plan.order.get(f.choices or "", {}))
            e(f"if not _multi_ok(v, {order}, {self.const(f.min_choices)}, {self.const(f.max_choices)}): return False")
        else:
            e(_ONE_LINE_CHECKS.get(t, "return False"))

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
            if f.type == "calculated":
                self.emit(depth, f"want = {self.calc(f, in_item)}")
                self.emit(depth, f"v = values.get({key}, _MISSING)")
                self.emit(depth, "if want is None and v is not _MISSING or want is not None and (v != want or type(v) is not type(want)): return False")
            elif f.type == "repeat":
                sub = self.fields(f.fields, True)
                self.emit(depth, f"v = values.get({key}, _MISSING)")
                self.emit(depth, "if v is not _MISSING and (not isinstance(v, list) or not v): return False")
                self.emit(depth, "items = v if v is not _MISSING and v else []")
                if f.required:
                    self.emit(depth, "if not items: return False")
                if f.min_items:
                    self.emit(depth, f"if len(items) < {int(f.min_items)}: return False")
                if f.max_items is not None:
                    self.emit(depth, f"if len(items) > {int(f.max_items)}: return False")
                self.emit(depth, "for it in items:")
                self.emit(depth + 1, f"if not _item_ok(it) or not {sub}(it, data, it, today): return False")
                if f.count_from and not in_item:
                    self.emit(depth, f"count = data.get({self.const(f.count_from)})")
                    self.emit(depth, "if isinstance(count, int) and count != len(items): return False")
            else:
                self.emit(depth, f"v = values.get({key}, _MISSING)")
                self.emit(depth, "if v is _MISSING:")
                self.emit(depth + 1, "return False" if f.required else "pass")
                self.emit(depth, "else:")
                self.value(f, depth + 1, in_item)
                for c in f.constraints:
                    self.emit(depth + 1, f"if not {self.cond(c['check'], in_item, 'v')}: return False")
            if depth == 2 and self.lines[-1].endswith("else:"):
                self.emit(2, "pass")
        self.emit(1, "return True")
        self.lines = saved
        self.functions += [f"def {name}(values, data, item, today):", *body, ""]
        return name

    def build(self) -> Any:
        top = self.fields(self.form.fields, False)
        rules = [f"({self.cond(r.when, False, None)} and not {self.cond(r.check, False, None)})" for r in self.form.rules]
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
        if str(d.get("name", "")).rsplit(".", 1)[-1].lower() not in f.accept or int(d.get("size", 0)) > f.max_size_mb * 1_000_000:
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
