"""Repeat groups (``repeat``): the same questions once per item (each member of the family), between ``min`` and
``max`` items, optionally as many as an integer answer says (``count``). Stored as a list of mappings."""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from mustafid.core.normalize import small_int
from mustafid.forms.conditions import answered
from mustafid.forms.model import Field, FormDef
from mustafid.forms.types.base import Definition, Emitter, FieldType, ObjectSchema, RawFields, RawOf
from mustafid.forms.widgets import INDEX, NUMBER, REPEAT_CAP, UI, Node, PageBuilder


def item_ok(it: Any) -> bool:
    return isinstance(it, dict) and any(answered(x) or x is False for x in it.values())


def _article(word: str) -> str:
    return ("an " if word[:1].lower() in "aeiou" else "a ") + word


class Repeat(FieldType):
    keys = frozenset({"fields", "min", "max", "count", "item_label"})
    helpers: Mapping[str, Any] = {"_item_ok": item_ok}

    def define(self, ctx: Definition, raw: Mapping[str, Any], kw: dict[str, Any], where: list[Any]) -> None:
        kw["fields"] = ctx.sub_fields(raw.get("fields"), [*where, "fields"], kw["page"])
        kw["min_items"], kw["max_items"], kw["count_from"] = int(raw.get("min", 0)), raw.get("max"), raw.get("count")
        kw["min"] = kw["max"] = None

    def as_raw(self, f: Field, key: str, v: Any, out: RawFields, sub: RawOf) -> None:
        if not isinstance(v, list):
            super().as_raw(f, key, v, out, sub)
            return
        for i, item in enumerate(v):
            if isinstance(item, Mapping):
                sub(f.fields, item, f"{key}.{i}.")

    def schema(self, _form: FormDef, f: Field, objects: ObjectSchema) -> dict[str, Any]:
        s: dict[str, Any] = {"type": "array", "items": objects(f.fields), "minItems": max(f.min_items, 1)}
        if f.max_items is not None:
            s["maxItems"] = f.max_items
        return s

    def widget(self, b: PageBuilder, n: Node, f: Field, path: str, _in_repeat: bool) -> Node | None:
        n.kind = "repeat"
        item_name = b.t(f.item_label or f.label)
        n.min_items, n.max_items, n.count_from = f.min_items, f.max_items, f.count_from or ""
        pat = re.compile(re.escape(path) + r"\.([0-9]{1,6})\.")
        present = sorted({int(m.group(1)) for k in b.raw if (m := pat.match(k))})
        want = max(f.min_items, 0 if b.raw else 1)
        if f.count_from:
            c = small_int(b.one(f.count_from))
            if c is not None:
                want = max(want, c)
        if f.max_items is not None:
            want = min(want, f.max_items)
        indexes = present[:REPEAT_CAP]
        nxt = (indexes[-1] + 1) if indexes else 0
        while len(indexes) < min(want, REPEAT_CAP):
            indexes.append(nxt)
            nxt += 1
        lower = item_name if b.lang == "ar" else item_name[:1].lower() + item_name[1:]
        for number, i in enumerate(indexes, 1):
            n.items.append(b.item(f, path, str(i), str(number), item_name))
        saved_ids = list(b.ids)
        n.template = b.item(f, path, INDEX, NUMBER, item_name)
        b.ids[:] = saved_ids  # the template's ids are not on the page until the script adds a row
        n.add_label = b.t(UI["add"]).format(item=lower if b.lang == "ar" else _article(lower))
        n.hint = n.hint or b.t(UI["items_hint"]).format(item=lower)
        return n

    def fast_field(self, c: Emitter, f: Field, depth: int, in_item: bool) -> None:
        sub = c.fields(f.fields, in_item=True)
        c.emit(depth, f"v = values.get({c.const(f.id)}, _MISSING)")
        c.emit(depth, "if v is not _MISSING and (not isinstance(v, list) or not v): return False")
        c.emit(depth, "items = v if v is not _MISSING and v else []")
        if f.required:
            c.emit(depth, "if not items: return False")
        if f.min_items:
            c.emit(depth, f"if len(items) < {int(f.min_items)}: return False")
        if f.max_items is not None:
            c.emit(depth, f"if len(items) > {int(f.max_items)}: return False")
        c.emit(depth, "for it in items:")
        c.emit(depth + 1, f"if not _item_ok(it) or not {sub}(it, data, it, today): return False")
        if f.count_from and not in_item:
            c.emit(depth, f"count = data.get({c.const(f.count_from)})")
            c.emit(depth, "if isinstance(count, int) and count != len(items): return False")


REPEAT = Repeat("repeat")
