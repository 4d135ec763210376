"""Notes (``note``): text on the page between the questions; no answer."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from mustafid.forms.model import Field
from mustafid.forms.types.base import Definition, FieldType
from mustafid.forms.widgets import Node, PageBuilder


class Note(FieldType):
    keys = frozenset({"text"})

    def define(self, ctx: Definition, _raw: Mapping[str, Any], kw: dict[str, Any], where: list[Any]) -> None:
        if kw["text"] is None:
            ctx.err([*where, "text"], "الملاحظة تحتاج نصاً ثنائي اللغة text", "a note needs a bilingual text")

    def widget(self, b: PageBuilder, n: Node, f: Field, _path: str, _in_repeat: bool) -> Node | None:
        n.kind, n.text = "note", b.t(f.text)
        return n


NOTE = Note("note")
