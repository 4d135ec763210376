"""Documents (``file``): uploaded, kept beside the repository, and listed in the record's ``documents`` (not in
``data``); forms/documents.py checks them against the form, and the service guide lists them."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from mustafid.core.normalize import small_int
from mustafid.core.text import arabic_digits
from mustafid.forms.model import DEFAULT_ACCEPT, MIME, Field
from mustafid.forms.types.base import Definition, FieldType
from mustafid.forms.widgets import UI, Node, PageBuilder, file_size


class File(FieldType):
    keys = frozenset({"accept", "max_size_mb", "multiple", "document"})

    def define(self, _ctx: Definition, raw: Mapping[str, Any], kw: dict[str, Any], _where: list[Any]) -> None:
        kw["accept"] = tuple(raw.get("accept") or DEFAULT_ACCEPT)

    def widget(self, b: PageBuilder, n: Node, f: Field, path: str, _in_repeat: bool) -> Node | None:
        n.kind = "file"
        accept = f.accept or DEFAULT_ACCEPT
        n.attrs = {"accept": ",".join([f".{a}" for a in accept] + sorted({MIME[a] for a in accept if a in MIME}))}
        n.attrs["data-max-mb"] = f"{f.max_size_mb:g}"  # the page's script scales photos down below it
        if f.multiple:
            n.attrs["multiple"] = ""
        types = ("، " if b.lang == "ar" else ", ").join(a.upper() for a in dict.fromkeys(
            "jpg" if a == "jpeg" else a for a in accept))
        mb = f"{f.max_size_mb:g}"
        extra = b.t(UI["files"]).format(types=types, mb=arabic_digits(mb) if b.lang == "ar" else mb)
        if f.multiple:
            extra += " " + b.t(UI["files_many"])
        n.hint = f"{n.hint} {extra}".strip()
        for i, d in enumerate(b.stash.get(path, ())):
            size = file_size(small_int(d.get("size", 0), 0) or 0, b.lang)
            n.kept.append({"token": d.get("token", ""), "id": f"{n.id}-kept-{i}",
                           "label": b.t(UI["kept"]).format(name=d.get("name", ""), size=size)})
        return n


FILE = File("file")
