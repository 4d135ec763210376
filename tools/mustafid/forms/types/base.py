"""What a field type is: one object per type with every facet of it, so a type is read and changed in one place.

A facet is what one part of Mustafid needs from a type: the keys its definition may hold (``keys``) and the
checks of those (``define``, forms/definition.py); how raw input becomes the stored answer (``parse``,
forms/validation.py); its JSON Schema (``schema``, forms/json_schema.py); its widget on the page (``widget``,
forms/view.py); and its lines in the fast check compiled per form (``fast``, records/fastcheck.py), with the
functions those lines call (``helpers``). The other modules find a type in forms/types/registry.py and call
these; none of them looks at a type's name.

Each facet receives the part of its caller it may use, as a Protocol below, so a type never imports the module
that calls it (the fast check's compiler is two layers up).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Protocol

from mustafid.core.normalize import normalize_text
from mustafid.core.text import T
from mustafid.forms import validators as V
from mustafid.forms.model import Field, FormDef
from mustafid.forms.widgets import AUTOCOMPLETE, Node, PageBuilder

ObjectSchema = Callable[[tuple[Field, ...]], dict[str, Any]]  # json_schema.object_schema, for groups
RawFields = dict[str, "str | list[str]"]                         # a post's fields (``family.0.name``: its answer)
RawOf = Callable[[Sequence[Field], Mapping[str, Any], str], None]  # validation.to_raw's walk, for groups


class Run(Protocol):
    """A validation run (forms/validation.py) as a type's parse sees it."""

    @property
    def form(self) -> FormDef: ...

    @property
    def today(self) -> dt.date: ...

    def problem(self, path: str, msg: T, code: str) -> None: ...

    def get(self, key: str) -> str | list[str] | None: ...


class Definition(Protocol):
    """The definition reader (forms/definition.py) as a type's own checks see it."""

    @property
    def choices(self) -> Mapping[str, Any]: ...

    def err(self, path: list[Any], ar: str, en: str) -> None: ...

    def sub_fields(self, items: Any, where: list[Any], page: str) -> tuple[Field, ...]: ...


class Emitter(Protocol):
    """The fast check's compiler (records/fastcheck.py) as a type's lines see it: values from the definition
    enter the generated code only through ``const`` (a name), never as source text."""

    @property
    def form(self) -> FormDef: ...

    def const(self, value: Any) -> str: ...

    def emit(self, depth: int, line: str) -> None: ...

    def cond(self, c: Any, in_item: bool, this: str | None) -> str: ...

    def lookup(self, name: str, in_item: bool, this: str | None) -> str: ...

    def fields(self, fields: Sequence[Field], in_item: bool) -> str: ...


def one(v: str | list[str] | None) -> str:
    """The answer of a single-valued field (the first non-empty one when a post repeats the name)."""
    if isinstance(v, list):
        v = next((x for x in v if x), "")
    return v or ""


@dataclass
class Answer:
    """One answer being parsed: where it is in the post and what the form holds so far."""

    run: Run
    field: Field
    key: str                          # its path in the post (``family.0.name``)
    data: Mapping[str, Any]           # the form's answers so far
    item: Mapping[str, Any] | None    # the repeat item's answers so far, inside a repeat group
    text: str = ""                    # as typed
    s: str = ""                       # normalised (what the checks read)

    def problem(self, msg: T, code: str, path: str | None = None) -> None:
        self.run.problem(self.key if path is None else path, msg, code)


class FieldType:
    """The facets every type has; the defaults are those of a one-line text input."""

    keys: frozenset[str] = frozenset()   # definition keys beyond the common ones (docs/forms.md)
    multiline = False                    # normalised as several lines (long_text)
    focusable = True                     # its element can be the target of a problem's link
    canonical_hint = ""                  # how its stored form is described when a record holds another
    ltr = False                          # its answer reads left to right whatever the page's language
    first_part = ""                      # the part a link to the whole answer goes to (an address: ".building")
    helpers: Mapping[str, Any] = {}      # the functions its fast-check lines call, by the name they use

    def __init__(self, name: str) -> None:
        self.name = name

    @property
    def stored_form(self) -> str:
        """How a problem names the stored form of this type's answers (a record that holds another)."""
        return self.canonical_hint or self.name

    # -- the definition ----------------------------------------------------------------------------------------
    def define(self, ctx: Definition, raw: Mapping[str, Any], kw: dict[str, Any], where: list[Any]) -> None:
        """Complete ``kw`` (the Field's arguments) from ``raw`` and report what is wrong with it."""

    # -- input -> answer ---------------------------------------------------------------------------------------
    def parse(self, a: Answer) -> Any:
        """The typed answer, or None when absent or wrong (the problems go to ``a``)."""
        a.text = one(a.run.get(a.key))
        a.s = normalize_text(a.text, multiline=self.multiline)
        if not a.s:
            return None
        try:
            return self.value(a)
        except V.Invalid as exc:
            a.problem(exc.message, exc.code)
            return None

    def as_raw(self, _f: Field, key: str, v: Any, out: RawFields, _sub: RawOf) -> None:
        """The stored answer ``v`` back as the post that gives it (``parse``'s inverse): how a stored record is
        re-checked and a page re-filled for an edit."""
        if isinstance(v, bool):
            out[key] = "yes" if v else "no"
        elif v is not None:
            out[key] = str(v)

    def value(self, a: Answer) -> Any:
        """The answer from its normalised text ``a.s``; raises V.Invalid or reports through ``a``."""
        raise NotImplementedError(self.name)

    # -- the record's JSON Schema ----------------------------------------------------------------------------
    def schema(self, _form: FormDef, _f: Field, _objects: ObjectSchema) -> dict[str, Any]:
        """The schema keywords of an answer of this type (the title and tags are added by the caller)."""
        return {}

    # -- the page -------------------------------------------------------------------------------------------------
    def widget(self, b: PageBuilder, n: Node, f: Field, path: str, in_repeat: bool) -> Node | None:
        """Fill ``n`` (label, hint, errors and relevance are already there) or None to leave the field out."""
        n.value = b.one(path)
        attrs = self.input_attrs(b, n, f)
        if f.id in AUTOCOMPLETE and not in_repeat and "autocomplete" not in attrs:
            attrs["autocomplete"] = AUTOCOMPLETE[f.id]
        elif in_repeat:
            attrs.setdefault("autocomplete", "off")
        n.attrs = attrs
        return n

    def input_attrs(self, _b: PageBuilder, _n: Node, _f: Field) -> dict[str, str]:
        """The input element's attributes, in the order they are written."""
        return {}

    # -- the fast check ---------------------------------------------------------------------------------------
    def fast_field(self, c: Emitter, f: Field, depth: int, in_item: bool) -> None:
        """The lines for one field of the answers (``values``): present when required, then its value's checks
        and its constraints. Groups and calculations replace this."""
        c.emit(depth, f"v = values.get({c.const(f.id)}, _MISSING)")
        c.emit(depth, "if v is _MISSING:")
        c.emit(depth + 1, "return False" if f.required else "pass")
        c.emit(depth, "else:")
        self.fast(c, f, depth + 1, in_item)
        for con in f.constraints:
            c.emit(depth + 1, f"if not {c.cond(con['check'], in_item, 'v')}: return False")

    def fast(self, c: Emitter, _f: Field, depth: int, _in_item: bool) -> None:
        """Statements that return False unless the answer ``v`` is what the intake would have stored."""
        c.emit(depth, "return False")
