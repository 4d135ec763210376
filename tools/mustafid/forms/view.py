"""What the form page shows, field by field: a plain view of a ``FormDef`` in one language, re-filled with the
raw answers and the problems, for the Jinja2 templates in ``templates/`` (``pages.py`` renders them).

Everything a person reads is decided here (labels, hints, "answer this only if …", the accepted files) and
every element's id comes from ``field_dom_id``, so the error summary, the inline messages, the check page's
"Change" links and the page's script all point at the same elements.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from mustafid.core.errors import Problem
from mustafid.core.normalize import small_int
from mustafid.core.text import T, arabic_digits
from mustafid.forms.conditions import answered, evaluate
from mustafid.forms.model import MIME, Field, FormDef, display_value
from mustafid.forms.validation import CONSENT_FIELD, DECLARATION_FIELD
from mustafid.forms.validators import ADDRESS_PARTS, ADDRESS_REQUIRED

RADIO_LIMIT = 8              # longer lists are a <select>
REPEAT_CAP = 50              # never render more rows than this, whatever the request says
LTR_TYPES = frozenset({"phone", "national_id", "iban", "email", "date", "integer", "money"})
INDEX = "__i__"              # the row index in a repeat group's <template> (the script replaces it)
NUMBER = "__n__"             # the row number shown in its heading

UI: dict[str, T] = {
    "required": T("(مطلوب)", "(required)"),
    "choose": T("اختر…", "Choose…"),
    "yes": T("نعم", "Yes"),
    "no": T("لا", "No"),
    "only_if": T("أجب عن هذا فقط إذا {cond}.", "Answer this only if {cond}."),
    "only_if_any": T("أجب عن هذا فقط إذا كان ينطبق عليك.", "Answer this only if it applies to you."),
    "calc_pending": T("يُحسب من إجاباتك عند مراجعتها", "worked out from your answers when you check them"),
    "files": T("الأنواع المقبولة: {types}. الحد الأعلى للملف {mb} ميغابايت.",
               "Accepted types: {types}. At most {mb} MB a file."),
    "files_many": T("يمكنك اختيار أكثر من ملف.", "You can choose more than one file."),
    "kept": T("أبقِ الملف المرفق: {name} ({size})", "Keep the attached file: {name} ({size})"),
    "kept_hint": T("لاستبداله أزل العلامة واختر ملفاً آخر.", "To replace it, untick it and choose another file."),
    "add": T("إضافة {item}", "Add {item}"),
    "remove": T("حذف {item} {n}", "Remove {item} {n}"),
    "items_hint": T("أضف واحداً لكل {item}.", "Add one for each {item}."),
    "address_hint": T("من تطبيق سُبل أو أبشر", "from the SPL or Absher app"),
    "date_hijri": T("بالهجري مثل 1446-09-15، أو بالميلادي مثل 2025-03-15",
                    "Hijri like 1446-09-15, or Gregorian like 2025-03-15"),
    "date_gregorian": T("بالميلادي مثل 2025-03-15، أو بالهجري مثل 1446-09-15",
                        "Gregorian like 2025-03-15, or Hijri like 1446-09-15"),
}
ADDRESS_LABELS: dict[str, T] = {
    "building": T("رقم المبنى", "Building number"), "street": T("اسم الشارع", "Street"),
    "district": T("الحي", "District"), "city": T("المدينة", "City"), "postal_code": T("الرمز البريدي", "Postal code"),
    "additional": T("الرقم الإضافي", "Additional number"), "short": T("العنوان المختصر", "Short address"),
}
# Browser autofill for the applicant's own answers (never inside repeat rows: a family member is someone else).
AUTOCOMPLETE = {"first_name": "given-name", "family_name": "family-name", "father_name": "additional-name",
                "mobile": "tel-national", "email": "email", "birth_date": "bday", "postal_code": "postal-code"}


def field_dom_id(path: str) -> str:
    """The element id of a field path (``family.0.name`` → ``f-family-0-name``); problem paths of the
    declaration and consent point at their checkboxes. Field ids are ``[a-z0-9_]``, so ``-`` cannot clash."""
    if path in ("declaration.confirmed", DECLARATION_FIELD):
        return "f-declaration"
    if path in ("declaration.consent", CONSENT_FIELD):
        return "f-consent"
    return "f-" + path.replace(".", "-")


@dataclass
class Option:
    value: str
    label: str
    id: str
    checked: bool = False
    group: str = ""          # the filter attribute's value (region of a city)


@dataclass
class Node:
    kind: str                # text | textarea | select | radios | checkboxes | file | address | repeat | note | calc
    type: str                # the definition's field type
    path: str
    label: str
    id: str = ""
    hint: str = ""
    required: bool = False
    errors: list[str] = field(default_factory=list)
    value: str = ""
    attrs: dict[str, str] = field(default_factory=dict)
    options: list[Option] = field(default_factory=list)
    optgroups: list[tuple[str, list[Option]]] = field(default_factory=list)
    filter_by: str = ""      # the field (same scope) whose value filters this list
    relevant: Any = None
    relevant_text: str = ""
    parts: list[Node] = field(default_factory=list)
    items: list[Item] = field(default_factory=list)
    template: Item | None = None
    add_label: str = ""
    min_items: int = 0
    max_items: int | None = None
    count_from: str = ""
    kept: list[dict[str, Any]] = field(default_factory=list)
    text: str = ""

    @property
    def hint_id(self) -> str:
        return self.id + "-hint" if self.hint or self.relevant_text else ""

    @property
    def error_id(self) -> str:
        return self.id + "-error" if self.errors else ""

    @property
    def describedby(self) -> str:
        return " ".join(x for x in (self.hint_id, self.error_id) if x)


@dataclass
class Item:
    index: str
    heading: str
    nodes: list[Node]
    remove_value: str
    remove_label: str


@dataclass
class Section:
    id: str
    title: str
    intro: str
    nodes: list[Node]


@dataclass
class FormView:
    sections: list[Section]
    ids: list[str]                     # every element id a problem can point at, in page order
    problems: list[tuple[str, str]]    # (target id, message) in page order, for the error summary


class _Builder:
    def __init__(self, form: FormDef, lang: str, raw: Mapping[str, Any], problems: Sequence[Problem],
                 stash: Mapping[str, Sequence[Mapping[str, Any]]]) -> None:
        self.form, self.lang, self.raw, self.stash = form, lang, raw, stash
        self.errors: dict[str, list[str]] = {}
        for p in problems:
            self.errors.setdefault(p.path, []).append(p.ar if lang == "ar" else p.en)
        self.ids: list[str] = []

    def t(self, text: T | None) -> str:
        return text(self.lang) if text is not None else ""

    def one(self, key: str) -> str:
        v = self.raw.get(key, "")
        if isinstance(v, list):
            v = next((x for x in v if x), "")
        return str(v)

    def many(self, key: str) -> list[str]:
        v = self.raw.get(key)
        return [str(x) for x in (v if isinstance(v, list) else [v] if v else [])]

    # -- relevance in words, for pages read without the script -----------------------------------------
    def describe(self, cond: Any, scope: Sequence[Field]) -> str | None:
        if not isinstance(cond, Mapping):
            return None
        ar = self.lang == "ar"
        if "all" in cond or "any" in cond:
            subs = list(cond.get("all", cond.get("any", [])))
            if "all" in cond:  # "answered X and did not choose Y in X": the first half goes without saying
                named = [c.get("field") or c.get("not", {}).get("field") for c in subs if isinstance(c, Mapping)]
                subs = [c for c in subs if not (isinstance(c, Mapping) and set(c) == {"field", "answered"}
                                                and c["answered"] is True and named.count(c["field"]) > 1)]
            parts = [self.describe(c, scope) for c in subs]
            if None in parts:
                return None
            joiner = (" و" if ar else " and ") if "all" in cond else (" أو " if ar else " or ")
            return joiner.join(p for p in parts if p)
        inner = cond.get("not")
        if isinstance(inner, Mapping) and set(inner) == {"field", "includes"}:
            chose = self.describe(inner, scope)
            if chose is None:
                return None
            return chose.replace("اخترت", "لم تختر", 1) if ar else chose.replace("you chose", "you did not choose", 1)
        name = cond.get("field")
        if not isinstance(name, str) or "not" in cond:
            return None
        f = next((x for x in scope if x.id == name), None) or self.form.field(name)
        if f is None:
            return None
        label = f.label(self.lang)
        q = f"«{label}»" if ar else f"'{label}'"

        def shown(v: Any) -> str:
            if f.type == "yes_no" or isinstance(v, bool):
                return self.t(UI["yes"] if v in (True, "yes") else UI["no"])
            if f.choices:
                return self.form.choice_label(f.choices, str(v), self.lang)
            return arabic_digits(v) if ar else str(v)

        for op, arg in cond.items():
            if op == "field" or isinstance(arg, Mapping):
                continue
            if op == "equals":
                return f"كانت إجابتك عن {q}: {shown(arg)}" if ar else f"your answer to {q} is {shown(arg)}"
            if op == "not_equals":
                return (f"كانت إجابتك عن {q} غير: {shown(arg)}" if ar
                        else f"your answer to {q} is not {shown(arg)}")
            if op in ("in", "not_in"):
                sep = "، " if ar else ", "
                vals = sep.join(shown(a) for a in arg)
                if ar:
                    return f"كانت إجابتك عن {q} {'إحدى' if op == 'in' else 'غير'}: {vals}"
                return f"your answer to {q} is {'one of' if op == 'in' else 'none of'}: {vals}"
            if op == "includes":
                return f"اخترت «{shown(arg)}» في {q}" if ar else f"you chose '{shown(arg)}' for {q}"
            if op in ("gt", "gte", "lt", "lte"):
                words = {"gt": ("أكبر من", "more than"), "gte": ("لا يقل عن", "at least"),
                         "lt": ("أقل من", "less than"), "lte": ("لا يزيد على", "at most")}[op]
                return f"كانت إجابتك عن {q} {words[0]} {shown(arg)}" if ar else f"your answer to {q} is {words[1]} {arg}"
            if op == "answered":
                return (f"أجبت عن {q}" if arg else f"لم تجب عن {q}") if ar else (
                    f"you answered {q}" if arg else f"you did not answer {q}")
        return None

    # -- fields --------------------------------------------------------------------------------------------
    def node(self, f: Field, prefix: str, scope: Sequence[Field], in_repeat: bool) -> Node | None:
        path = prefix + f.id
        n = Node(kind="text", type=f.type, path=path, id=field_dom_id(path), label=f.label(self.lang),
                 hint=self.t(f.hint), required=bool(f.required) or (f.type == "repeat" and f.min_items > 0),
                 errors=list(self.errors.get(path, [])), relevant=f.relevant)
        if f.relevant is not None:
            cond = self.describe(f.relevant, scope)
            n.relevant_text = self.t(UI["only_if"]).format(cond=cond) if cond else self.t(UI["only_if_any"])
        if f.type == "calculated":
            if in_repeat:
                return None
            # Shown as it is worked out: the server's figure after each check as you go (JavaScript), and on
            # the check page in any case.
            n.kind, n.text = "calc", self.t(UI["calc_pending"])
            return n
        self.ids.append(n.id)
        if f.type == "note":
            n.kind, n.text = "note", self.t(f.text)
            return n
        if f.type == "repeat":
            return self.repeat(n, f, path)
        if f.type == "national_address":
            n.kind = "address"
            n.hint = n.hint or self.t(UI["address_hint"])
            for part in ADDRESS_PARTS:
                p = Node(kind="text", type="text", path=f"{path}.{part}", id=field_dom_id(f"{path}.{part}"),
                         label=self.t(ADDRESS_LABELS[part]), required=part in ADDRESS_REQUIRED,
                         errors=list(self.errors.get(f"{path}.{part}", [])), value=self.one(f"{path}.{part}"))
                if part in ("building", "postal_code", "additional"):
                    p.attrs = {"inputmode": "numeric", "dir": "ltr", "class": "mf-w-short"}
                    if part == "postal_code" and not in_repeat:
                        p.attrs["autocomplete"] = "postal-code"
                elif part == "short":
                    p.attrs = {"dir": "ltr", "autocapitalize": "characters", "spellcheck": "false",
                               "class": "mf-w-short"}
                self.ids.append(p.id)
                n.parts.append(p)
            return n
        if f.type in ("choice", "multi_choice", "yes_no"):
            return self.choice(n, f, path)
        if f.type == "file":
            n.kind = "file"
            accept = f.accept or ("pdf", "jpg", "jpeg", "png")
            n.attrs = {"accept": ",".join([f".{a}" for a in accept] + sorted({MIME[a] for a in accept if a in MIME}))}
            if f.multiple:
                n.attrs["multiple"] = ""
            types = ("، " if self.lang == "ar" else ", ").join(a.upper() for a in dict.fromkeys(
                "jpg" if a == "jpeg" else a for a in accept))
            mb = f"{f.max_size_mb:g}"
            extra = self.t(UI["files"]).format(types=types, mb=arabic_digits(mb) if self.lang == "ar" else mb)
            if f.multiple:
                extra += " " + self.t(UI["files_many"])
            n.hint = f"{n.hint} {extra}".strip()
            for i, d in enumerate(self.stash.get(path, ())):
                n.kept.append({"token": d.get("token", ""), "id": f"{n.id}-kept-{i}",
                               "label": self.t(UI["kept"]).format(name=d.get("name", ""), size=file_size(
                                   small_int(d.get("size", 0), 0), self.lang))})
            return n
        n.value = self.one(path)
        attrs: dict[str, str] = {}
        if f.type == "long_text":
            n.kind = "textarea"
            attrs["rows"] = "5"
        if f.max_length and f.type in ("text", "long_text"):
            attrs["maxlength"] = str(f.max_length + 20)  # room for spaces the server folds away
        if f.type == "national_id":
            attrs.update(inputmode="numeric", dir="ltr", spellcheck="false", autocomplete="off", **{"class": "mf-w-id"})
        elif f.type == "phone":
            attrs.update(type="tel", inputmode="tel", dir="ltr", **{"class": "mf-w-id"})
        elif f.type == "iban":
            attrs.update(dir="ltr", spellcheck="false", autocapitalize="characters", autocomplete="off")
        elif f.type == "email":
            attrs.update(type="email", dir="ltr", spellcheck="false", autocapitalize="off")
        elif f.type == "integer":
            attrs.update(inputmode="numeric", dir="ltr", **{"class": "mf-w-short"})
        elif f.type == "money":
            attrs.update(inputmode="decimal", dir="ltr", **{"class": "mf-w-short"})
        elif f.type == "date":
            attrs.update(dir="ltr", spellcheck="false", **{"class": "mf-w-id"})
            calendar_hint = self.t(UI["date_gregorian" if f.calendar == "gregorian" else "date_hijri"])
            n.hint = n.hint or calendar_hint
        if f.id in AUTOCOMPLETE and not in_repeat and "autocomplete" not in attrs:
            attrs["autocomplete"] = AUTOCOMPLETE[f.id]
        elif in_repeat:
            attrs.setdefault("autocomplete", "off")
        n.attrs = attrs
        return n

    def choice(self, n: Node, f: Field, path: str) -> Node:
        if f.type == "yes_no":
            choices = [("yes", self.t(UI["yes"]), ""), ("no", self.t(UI["no"]), "")]
        else:
            choices = [(c.value, c.label(self.lang), c.attrs.get(f.choice_filter or "", ""))
                       for c in self.form.choices.get(f.choices or "", ())]
        chosen = set(self.many(path)) if f.type == "multi_choice" else {self.one(path)}
        if f.type == "yes_no":  # what validation accepts as yes/no, shown as the matching radio
            v = self.one(path).casefold()
            chosen = {"yes"} if v in {"yes", "true", "1", "on", "نعم"} else {"no"} if v in {"no", "false", "0", "off", "لا"} else set()
        opts = [Option(v, label, n.id if i == 0 else f"{n.id}-{i}", v in chosen, group)
                for i, (v, label, group) in enumerate(choices)]
        n.options = opts
        if f.type == "multi_choice":
            n.kind = "checkboxes"
        elif f.choice_filter or len(opts) > RADIO_LIMIT:
            n.kind = "select"
            n.value = self.one(path)
            if f.choice_filter:
                n.filter_by = f.choice_filter
                parent = self.form.field(f.choice_filter)
                by: dict[str, list[Option]] = {}
                for o in opts:
                    by.setdefault(o.group, []).append(o)
                plist = parent.choices if parent is not None and parent.choices else ""
                n.optgroups = [(self.form.choice_label(plist, g, self.lang) if plist else g, os) for g, os in by.items()]
        else:
            n.kind = "radios"
            if f.type == "yes_no":
                n.attrs = {"class": "mf-inline"}
        return n

    def repeat(self, n: Node, f: Field, path: str) -> Node:
        n.kind = "repeat"
        item_name = self.t(f.item_label or f.label)
        n.min_items, n.max_items, n.count_from = f.min_items, f.max_items, f.count_from or ""
        pat = re.compile(re.escape(path) + r"\.([0-9]{1,6})\.")
        present = sorted({int(m.group(1)) for k in self.raw if (m := pat.match(k))})
        want = max(f.min_items, 0 if self.raw else 1)
        if f.count_from:
            c = small_int(self.one(f.count_from))
            if c is not None:
                want = max(want, c)
        if f.max_items is not None:
            want = min(want, f.max_items)
        indexes = present[:REPEAT_CAP]
        nxt = (indexes[-1] + 1) if indexes else 0
        while len(indexes) < min(want, REPEAT_CAP):
            indexes.append(nxt)
            nxt += 1
        lower = item_name if self.lang == "ar" else item_name[:1].lower() + item_name[1:]
        for number, i in enumerate(indexes, 1):
            n.items.append(self.item(f, path, str(i), str(number), item_name))
        saved_ids = list(self.ids)
        n.template = self.item(f, path, INDEX, NUMBER, item_name)
        self.ids = saved_ids  # the template's ids are not on the page until the script adds a row
        n.add_label = self.t(UI["add"]).format(item=lower if self.lang == "ar" else _article(lower))
        n.hint = n.hint or self.t(UI["items_hint"]).format(item=lower)
        return n

    def item(self, f: Field, path: str, index: str, number: str, item_name: str) -> Item:
        prefix = f"{path}.{index}."
        nodes = [x for x in (self.node(sub, prefix, f.fields, True) for sub in f.fields) if x is not None]
        shown = arabic_digits(number) if self.lang == "ar" and number != NUMBER else number
        return Item(index=index, heading=f"{item_name} {shown}", nodes=nodes, remove_value=f"{path}.{index}",
                    remove_label=self.t(UI["remove"]).format(item=item_name, n=shown))


def _article(word: str) -> str:
    return ("an " if word[:1].lower() in "aeiou" else "a ") + word


def file_size(size: int, lang: str) -> str:
    if size >= 1_000_000:
        s, unit = f"{size / 1_000_000:.1f}", T("ميغابايت", "MB")
    else:
        s, unit = f"{max(1, round(size / 1000))}", T("كيلوبايت", "KB")
    return f"{arabic_digits(s).replace('.', '٫') if lang == 'ar' else s} {unit(lang)}"


def build_form_view(form: FormDef, lang: str, raw: Mapping[str, Any] | None, problems: Sequence[Problem],
                    stash: Mapping[str, Sequence[Mapping[str, Any]]] | None) -> FormView:
    b = _Builder(form, lang, raw or {}, problems, stash or {})
    sections = []
    for page in form.pages:
        nodes = [x for x in (b.node(f, "", form.fields, False) for f in page.fields) if x is not None]
        sections.append(Section(id=f"s-{page.id}", title=b.t(page.title), intro=b.t(page.intro), nodes=nodes))
    ids = b.ids + [field_dom_id(DECLARATION_FIELD), field_dom_id(CONSENT_FIELD)]
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
            if f.type in ("note", "file"):
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
            target = field_dom_id(path + (".building" if f.type == "national_address" else ""))
            if not answered(v) and v is not False:
                if f.type != "calculated":
                    rows.append(Row(f.label(lang), "", target, missing=True))
                continue
            rows.append(Row(f.label(lang), display_value(form, f, v, lang), target,
                            ltr=f.type in ("phone", "national_id", "iban", "email"), change=f.type != "calculated"))

    rec(form.fields, data, "", None)
    return rows
