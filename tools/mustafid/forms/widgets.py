"""The pieces a form page is made of, as the Jinja2 templates in ``templates/`` read them (``Node``, ``Option``,
``Item``, ``Section``, ``FormView``), the words printed around the questions, and ``PageBuilder``: what a field
type's widget (``forms/types``) may ask of the view that builds the page (``forms/view.py``)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol

from mustafid.core.text import T, arabic_digits
from mustafid.forms.model import Field, FormDef

RADIO_LIMIT = 8              # longer lists are a <select>
REPEAT_CAP = 50              # never render more rows than this, whatever the request says
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
                "mobile": "tel", "email": "email", "birth_date": "bday", "postal_code": "postal-code"}


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


class PageBuilder(Protocol):
    """The view's builder as a field type's widget sees it (forms/view.py's ``_Builder``)."""

    @property
    def form(self) -> FormDef: ...

    @property
    def lang(self) -> str: ...

    @property
    def raw(self) -> Mapping[str, Any]: ...

    @property
    def stash(self) -> Mapping[str, Sequence[Mapping[str, Any]]]: ...

    @property
    def ids(self) -> list[str]: ...  # the ids a problem can point at, in page order (widgets add theirs)

    def t(self, text: T | None) -> str: ...

    def one(self, key: str) -> str: ...

    def many(self, key: str) -> list[str]: ...

    def errors_at(self, path: str) -> list[str]: ...

    def dom_id(self, path: str) -> str: ...

    def item(self, f: Field, path: str, index: str, number: str, item_name: str) -> Item: ...


def file_size(size: int, lang: str) -> str:
    if size >= 1_000_000:
        s, unit = f"{size / 1_000_000:.1f}", T("ميغابايت", "MB")
    else:
        s, unit = f"{max(1, round(size / 1000))}", T("كيلوبايت", "KB")
    return f"{arabic_digits(s).replace('.', '٫') if lang == 'ar' else s} {unit(lang)}"
