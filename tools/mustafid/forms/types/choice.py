"""Answers from a list: ``choice`` (one, from a named list, optionally filtered by another answer),
``multi_choice`` (several, stored in the list's order) and ``yes_no`` (stored as true or false)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from mustafid.core.normalize import normalize_text
from mustafid.core.text import T
from mustafid.core.vocab import is_no, is_yes
from mustafid.forms import messages as M
from mustafid.forms.model import Field, FormDef
from mustafid.forms.types.base import Answer, Definition, Emitter, FieldType, ObjectSchema, RawFields, RawOf
from mustafid.forms.widgets import RADIO_LIMIT, UI, Node, Option, PageBuilder


def multi_ok(v: Any, order: Mapping[str, int], least: int | None, most: int | None) -> bool:
    if not isinstance(v, list) or not v:
        return False
    last = -1
    for x in v:  # every one a known choice, in the list's order, none twice: strictly increasing positions
        i = order.get(x) if isinstance(x, str) else None
        if i is None or i <= last:
            return False
        last = i
    return not ((least and len(v) < least) or (most and len(v) > most))


def _options(n: Node, choices: list[tuple[str, str, str]], chosen: set[str]) -> list[Option]:
    return [Option(v, label, n.id if i == 0 else f"{n.id}-{i}", v in chosen, group)
            for i, (v, label, group) in enumerate(choices)]


def _listed(b: PageBuilder, f: Field) -> list[tuple[str, str, str]]:
    """(value, label, filter group) of the field's list, in the page's language."""
    return [(c.value, c.label(b.lang), c.attrs.get(f.choice_filter or "", ""))
            for c in b.form.choices.get(f.choices or "", ())]


class _Listed(FieldType):
    def define(self, ctx: Definition, _raw: Mapping[str, Any], kw: dict[str, Any], where: list[Any]) -> None:
        if kw["choices"] not in ctx.choices:
            ctx.err([*where, "choices"], f"قائمة الخيارات «{kw['choices']}» غير معرّفة",
                    f"choice list '{kw['choices']}' is not defined")


class Choice(_Listed):
    keys = frozenset({"choices", "filter"})

    def value(self, a: Answer) -> Any:
        f, form = a.field, a.run.form
        match = next((c for c in form.choices.get(f.choices or "", ()) if c.value == a.s), None)
        if match is None:
            a.problem(M.BAD_CHOICE, "choice")
            return None
        if f.choice_filter:
            item, key = a.item, f.choice_filter
            parent = item.get(key) if item and key in item else a.data.get(key)
            if parent is not None and match.attrs.get(key) != str(parent):
                pf = form.field(key)
                a.problem(T(M.BAD_FILTERED_CHOICE.ar.format(parent=pf.label.ar if pf else ""),
                            M.BAD_FILTERED_CHOICE.en.format(parent=pf.label.en if pf else "")), "filtered_choice")
                return None
        return match.value

    def schema(self, form: FormDef, f: Field, _objects: ObjectSchema) -> dict[str, Any]:
        return {"type": "string", "enum": [c.value for c in form.choices[f.choices or ""]]}

    def widget(self, b: PageBuilder, n: Node, f: Field, path: str, _in_repeat: bool) -> Node | None:
        opts = n.options = _options(n, _listed(b, f), {b.one(path)})
        if not f.choice_filter and len(opts) <= RADIO_LIMIT:
            n.kind = "radios"
            return n
        n.kind = "select"
        n.value = b.one(path)
        if f.choice_filter:
            n.filter_by = f.choice_filter
            parent = b.form.field(f.choice_filter)
            by: dict[str, list[Option]] = {}
            for o in opts:
                by.setdefault(o.group, []).append(o)
            plist = parent.choices if parent is not None and parent.choices else ""
            n.optgroups = [(b.form.choice_label(plist, g, b.lang) if plist else g, os) for g, os in by.items()]
        return n

    def fast(self, c: Emitter, f: Field, depth: int, in_item: bool) -> None:
        table = c.const({x.value: x for x in c.form.choices.get(f.choices or "", ())})
        c.emit(depth, f"m = {table}.get(v) if isinstance(v, str) else None")
        c.emit(depth, "if m is None: return False")
        if f.choice_filter:
            key = c.const(f.choice_filter)
            parent = (f"(item.get({key}) if item and {key} in item else data.get({key}))" if in_item
                      else f"data.get({key})")
            c.emit(depth, f"p = {parent}")
            c.emit(depth, f"if p is not None and m.attrs.get({key}) != str(p): return False")


class MultiChoice(_Listed):
    keys = frozenset({"choices", "filter", "min_choices", "max_choices"})
    helpers: Mapping[str, Any] = {"_multi_ok": multi_ok}

    def parse(self, a: Answer) -> Any:
        f, form = a.field, a.run.form
        raw = a.run.get(a.key)
        values = [normalize_text(x) for x in (raw if isinstance(raw, list) else [raw] if raw else [])]
        values = list(dict.fromkeys(v for v in values if v))
        if not values:
            return None
        allowed = {c.value for c in form.choices.get(f.choices or "", ())}
        if any(v not in allowed for v in values):
            a.problem(M.BAD_CHOICE, "choice")
            return None
        if f.min_choices and len(values) < f.min_choices:
            a.problem(M.TOO_FEW_CHOICES.format(min=f.min_choices), "min_choices")
        if f.max_choices and len(values) > f.max_choices:
            a.problem(M.TOO_MANY_CHOICES.format(max=f.max_choices), "max_choices")
        order = [c.value for c in form.choices[f.choices or ""]]
        return sorted(values, key=order.index)  # stored in list order: the same answer is the same record

    def as_raw(self, f: Field, key: str, v: Any, out: RawFields, sub: RawOf) -> None:
        if isinstance(v, list):
            out[key] = [str(x) for x in v]
        else:
            super().as_raw(f, key, v, out, sub)

    def schema(self, form: FormDef, f: Field, _objects: ObjectSchema) -> dict[str, Any]:
        s: dict[str, Any] = {"type": "array", "uniqueItems": True, "minItems": f.min_choices or 1,
                             "items": {"type": "string", "enum": [c.value for c in form.choices[f.choices or ""]]}}
        if f.max_choices:
            s["maxItems"] = f.max_choices
        return s

    def widget(self, b: PageBuilder, n: Node, f: Field, path: str, _in_repeat: bool) -> Node | None:
        n.options = _options(n, _listed(b, f), set(b.many(path)))
        n.kind = "checkboxes"
        return n

    def fast(self, c: Emitter, f: Field, depth: int, _in_item: bool) -> None:
        order = c.const({x.value: i for i, x in enumerate(c.form.choices.get(f.choices or "", ()))})
        c.emit(depth, f"if not _multi_ok(v, {order}, {c.const(f.min_choices)}, {c.const(f.max_choices)}): "
                      "return False")


class YesNo(FieldType):
    def value(self, a: Answer) -> Any:
        if is_yes(a.s):
            return True
        if is_no(a.s):
            return False
        a.problem(M.NOT_YES_NO, "yes_no")
        return None

    def schema(self, _form: FormDef, _f: Field, _objects: ObjectSchema) -> dict[str, Any]:
        return {"type": "boolean"}

    def widget(self, b: PageBuilder, n: Node, _f: Field, path: str, _in_repeat: bool) -> Node | None:
        v = b.one(path)  # what validation accepts as yes/no, shown as the matching radio
        chosen = {"yes"} if is_yes(v) else {"no"} if is_no(v) else set()
        n.options = _options(n, [("yes", b.t(UI["yes"]), ""), ("no", b.t(UI["no"]), "")], chosen)
        n.kind = "radios"
        n.attrs = {"class": "mf-inline"}
        return n

    def fast(self, c: Emitter, _f: Field, depth: int, _in_item: bool) -> None:
        c.emit(depth, "if not isinstance(v, bool): return False")


CHOICE = Choice("choice")
MULTI_CHOICE = MultiChoice("multi_choice")
YES_NO = YesNo("yes_no")
