"""What the form page shows, field by field: a plain view of a ``FormDef`` in one language, re-filled with the
raw answers and the problems, for the Jinja2 templates in ``templates/`` (site/pages.py renders them).

Everything a person reads is decided here or by the field's type (forms/types: its ``widget``), and every
element's id comes from ``field_dom_id``, so the error summary, the inline messages, the check page's "Change"
links and the page's script all point at the same elements.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from mustafid.core.errors import Problem
from mustafid.core.text import T, arabic_digits
from mustafid.forms.conditions import answered, evaluate
from mustafid.forms.describe import describe
from mustafid.forms.messages import addressed
from mustafid.forms.model import Field, FormDef, display_value
from mustafid.forms.naming import name_problems
from mustafid.forms.types.registry import TYPES
from mustafid.forms.validation import CONSENT_FIELD, DECLARATION_FIELD
from mustafid.forms.widgets import NUMBER, UI, FormView, Item, Node, Section


def field_dom_id(path: str) -> str:
    """The element id of a field path (``family.0.name`` → ``f-family-0-name``); problem paths of the
    declaration and consent point at their checkboxes. Field ids are ``[a-z0-9_]``, so ``-`` cannot clash."""
    if path in ("declaration.confirmed", DECLARATION_FIELD):
        return "f-declaration"
    if path in ("declaration.consent", CONSENT_FIELD):
        return "f-consent"
    return "f-" + path.replace(".", "-")


class _Builder:
    """Builds the page's nodes (forms/widgets.PageBuilder is what a type's widget may use of it)."""

    def __init__(self, form: FormDef, lang: str, raw: Mapping[str, Any], problems: Sequence[Problem],
                 stash: Mapping[str, Sequence[Mapping[str, Any]]], gender: str = "masculine") -> None:
        self.form, self.lang, self.raw, self.stash, self.gender = form, lang, raw, stash, gender
        self.errors: dict[str, list[str]] = {}
        for p in problems:
            self.errors.setdefault(p.path, []).append(p.ar if lang == "ar" else p.en)
        self.ids: list[str] = []

    def t(self, text: T | None) -> str:
        """A text of the page in its language, addressing the applicant in the association's gender."""
        if text is None:
            return ""
        return addressed(text.ar, self.gender) if self.lang == "ar" else text.en

    def one(self, key: str) -> str:
        v = self.raw.get(key, "")
        if isinstance(v, list):
            v = next((x for x in v if x), "")
        return str(v)

    def many(self, key: str) -> list[str]:
        v = self.raw.get(key)
        return [str(x) for x in (v if isinstance(v, list) else [v] if v else [])]

    def errors_at(self, path: str) -> list[str]:
        return list(self.errors.get(path, []))

    def dom_id(self, path: str) -> str:
        return field_dom_id(path)

    def node(self, f: Field, prefix: str, scope: Sequence[Field], in_repeat: bool) -> Node | None:
        path = prefix + f.id
        n = Node(kind="text", type=f.type, path=path, id=field_dom_id(path), label=self.t(f.label),
                 hint=self.t(f.hint), required=bool(f.required) or (f.type == "repeat" and f.min_items > 0),
                 errors=self.errors_at(path), relevant=f.relevant)
        if f.relevant is not None:
            cond = describe(self.form, self.lang, f.relevant, scope)
            text = self.t(UI["only_if"]).format(cond=cond) if cond else self.t(UI["only_if_any"])
            n.relevant_text = addressed(text, self.gender) if self.lang == "ar" else text
        unit = TYPES[f.type]
        if unit.focusable:
            self.ids.append(n.id)
        return unit.widget(self, n, f, path, in_repeat)

    def item(self, f: Field, path: str, index: str, number: str, item_name: str) -> Item:
        prefix = f"{path}.{index}."
        nodes = [x for x in (self.node(sub, prefix, f.fields, in_repeat=True) for sub in f.fields) if x is not None]
        shown = arabic_digits(number) if self.lang == "ar" and number != NUMBER else number
        return Item(index=index, heading=f"{item_name} {shown}", nodes=nodes, remove_value=f"{path}.{index}",
                    remove_label=self.t(UI["remove"]).format(item=item_name, n=shown))


def build_form_view(form: FormDef, lang: str, raw: Mapping[str, Any] | None, problems: Sequence[Problem],
                    stash: Mapping[str, Sequence[Mapping[str, Any]]] | None, gender: str = "masculine") -> FormView:
    """The page's view; ``problems`` are shown naming their questions (forms/naming.py), in ``gender``."""
    problems = name_problems(form, problems, gender)
    b = _Builder(form, lang, raw or {}, problems, stash or {}, gender)
    sections = []
    for page in form.pages:
        nodes = [x for x in (b.node(f, "", form.fields, in_repeat=False) for f in page.fields) if x is not None]
        sections.append(Section(id=f"s-{page.id}", title=b.t(page.title), intro=b.t(page.intro), nodes=nodes))
    ids = [*b.ids, field_dom_id(DECLARATION_FIELD), field_dom_id(CONSENT_FIELD)]
    order = {x: i for i, x in enumerate(ids)}
    listed: list[tuple[int, int, str, str]] = []
    for k, p in enumerate(problems):
        target = error_target(p.path, order)
        listed.append((order.get(target, len(order)), k, target, p.ar if lang == "ar" else p.en))
    return FormView(sections, ids, [(t, m) for _, _, t, m in sorted(listed)])


def error_target(path: str, ids: Mapping[str, int] | Sequence[str]) -> str:
    """The element a problem's summary link goes to: the field's own, else its nearest rendered parent."""
    parts = path.split(".")
    while parts:
        dom = field_dom_id(".".join(parts))
        if dom in ids:
            return dom
        parts.pop()
    return "mf-form"


# -- check your answers ------------------------------------------------------------------------------------
@dataclass
class Row:
    label: str
    value: str
    target: str              # the element the "Change" control goes back to
    ltr: bool = False
    heading: bool = False    # a repeat row's heading ("Member 2")
    missing: bool = False
    change: bool = True      # calculated answers have nothing to change


def answer_rows(form: FormDef, data: Mapping[str, Any], lang: str) -> list[Row]:
    """Every question that applies, in page order, with its answer as a person reads it."""
    rows: list[Row] = []

    def rec(fields: Sequence[Field], values: Mapping[str, Any], prefix: str, item: Mapping[str, Any] | None) -> None:
        for f in fields:
            if not f.holds_data:
                continue
            path = prefix + f.id
            if not evaluate(f.relevant, data, item):
                continue
            v = values.get(f.id)
            if f.type == "repeat":
                name = (f.item_label or f.label)(lang)
                for i, it in enumerate(v or []):
                    n = arabic_digits(i + 1) if lang == "ar" else str(i + 1)
                    rows.append(Row(f"{name} {n}", "", field_dom_id(f"{path}.{i}.{f.fields[0].id}"), heading=True))
                    rec(f.fields, it, f"{path}.{i}.", it)
                continue
            unit = TYPES[f.type]
            target = field_dom_id(path + unit.first_part)
            if not answered(v) and v is not False:
                if f.type != "calculated":
                    rows.append(Row(f.label(lang), "", target, missing=True))
                continue
            rows.append(Row(f.label(lang), display_value(form, f, v, lang), target,
                            ltr=unit.ltr, change=f.type != "calculated"))

    rec(form.fields, data, "", None)
    return rows
