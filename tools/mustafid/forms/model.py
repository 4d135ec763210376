"""The form-definition language: ``forms/<form-id>.yml`` loaded into typed ``FormDef`` objects, itself validated
on load (every problem, with its line, in one run).

One definition drives the page (both languages), the JSON Schema, validation in the intake and in CI, the
review summary and the service guide's list of documents. The language is described in docs/forms.md.
Shared field groups and choice lists (regions and cities, banks...) live in ``forms/_library.yml`` of the
association (or the package's ``forms/library.yml``) and are pulled in with ``- use: <group>``.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from dataclasses import field as dc_field
from pathlib import Path
from typing import Any

from mustafid.core.text import T, arabic_digits

# Types that hold no answer in `data` (notes are text on the page; files go to the record's `documents`).
NO_DATA_TYPES = frozenset({"note", "file"})
TAGS = frozenset({"personal", "sensitive", "public"})  # public: a long text that is not personal (not sealed)
PERSONAL_TAGS = frozenset({"personal", "sensitive"})
SEALED_MARKS = ("🔒", "⌀")  # how a sealed answer reads without its key, or once erased
CONDITION_OPS = ("equals", "not_equals", "in", "not_in", "answered", "includes", "gt", "gte", "lt", "lte")
CALC_OPS = ("sum", "count", "age_years")
# HEIC is what iPhones photograph in: accepted as it is (the staff open it on their phones and computers; with
# JavaScript on, a browser that can read it sends a smaller JPEG instead, assets/mustafid/forms.js).
DEFAULT_ACCEPT = ("pdf", "jpg", "jpeg", "png", "heic")
MIME = {"pdf": "application/pdf", "jpg": "image/jpeg", "jpeg": "image/jpeg", "png": "image/png",
        "heic": "image/heic", "heif": "image/heif", "webp": "image/webp"}


@dataclass(frozen=True)
class Choice:
    value: str
    label: T
    attrs: Mapping[str, str] = dc_field(default_factory=dict)  # e.g. {"region": "hail"} for filtered lists


@dataclass(frozen=True)
class Field:
    """One question (or note, or repeat group). Conditions are dicts in the small language of docs/forms.md."""

    id: str
    type: str
    label: T
    hint: T | None = None
    required: bool = False
    required_message: T | None = None
    relevant: Any = None                      # condition, or None (always shown)
    tags: frozenset[str] = frozenset()        # personal / sensitive: encrypted at rest (privacy issue)
    retention_days: int | None = None         # None: the form's retention
    page: str = ""
    # text
    min_length: int | None = None
    max_length: int | None = None
    pattern: str | None = None
    pattern_message: T | None = None
    # numbers and dates (dates: ISO, "today", or "today-18y"/"today+30d")
    min: Any = None
    max: Any = None
    calendar: str = "either"                  # date: hijri | gregorian | either (what the page suggests)
    # choices
    choices: str | None = None                # name of a choice list
    choice_filter: str | None = None          # id of the field whose value filters the list (attr of same name)
    min_choices: int | None = None
    max_choices: int | None = None
    # files
    accept: tuple[str, ...] = ()
    max_size_mb: float = 5.0
    multiple: bool = False
    document: T | None = None                 # how the service guide names this document
    # repeat groups
    fields: tuple[Field, ...] = ()
    min_items: int = 0
    max_items: int | None = None
    count_from: str | None = None             # id of an integer field that must equal the number of items
    item_label: T | None = None
    # calculated fields
    calc: Mapping[str, Any] | None = None
    # notes
    text: T | None = None
    # constraints: ({"check": condition, "message": T}, ...); "." in a condition is this field
    constraints: tuple[Mapping[str, Any], ...] = ()

    @property
    def holds_data(self) -> bool:
        return self.type not in NO_DATA_TYPES

    @property
    def personal(self) -> bool:
        return bool(self.tags & PERSONAL_TAGS)

    @property
    def sealed(self) -> bool:
        """Encrypted at rest once the association lists encryption recipients (records/sealing.py): a field
        tagged personal or sensitive, and free text (long_text) unless the definition tags it public."""
        if not self.holds_data or self.type in ("repeat", "calculated"):
            return False
        return self.personal or (self.type == "long_text" and "public" not in self.tags)


@dataclass(frozen=True)
class Page:
    id: str
    title: T
    intro: T | None
    fields: tuple[Field, ...]


@dataclass(frozen=True)
class Declaration:
    confirm: T                 # the applicant confirms the data and bears responsibility for them (seeds)
    consent: T | None          # PDPL consent: required when the form asks personal data


@dataclass(frozen=True)
class Rule:
    """A cross-field rule: ``check`` must hold (when ``when`` holds), else ``message`` on ``path``."""

    id: str
    check: Mapping[str, Any]
    message: T
    path: str
    when: Any = None


@dataclass(frozen=True)
class Document:
    field: str
    label: T
    required: bool
    relevant: Any


@dataclass(frozen=True, eq=False)  # identity: forms are loaded once and used as cache keys
class FormDef:
    id: str
    version: int
    title: T
    description: T
    pages: tuple[Page, ...]
    choices: Mapping[str, tuple[Choice, ...]]
    declaration: Declaration
    rules: tuple[Rule, ...] = ()
    retention_days: int = 3650
    audience: str = "public"   # public (a page on the site) | staff (entered by staff only)
    kind: str = "request"      # request | feedback | survey (core.vocab.KINDS): the path its records take
    path: Path | None = None
    raw: Mapping[str, Any] = dc_field(default_factory=dict, repr=False, compare=False)

    @property
    def fields(self) -> tuple[Field, ...]:
        """Top-level fields in page order (repeat groups hold their own ``fields``)."""
        return tuple(f for p in self.pages for f in p.fields)

    def field(self, path: str) -> Field | None:
        """A field by id or dotted path (``family.name`` or ``family.0.name``)."""
        parts = [p for p in path.split(".") if not p.isdigit()]
        fields = self.fields
        found = None
        for part in parts:
            found = next((f for f in fields if f.id == part), None)
            if found is None:
                return None
            fields = found.fields
        return found

    def walk(self) -> Iterator[tuple[str, Field]]:
        """Every field with its path pattern (``family.*.name`` inside repeats)."""
        def rec(prefix: str, fields: tuple[Field, ...]) -> Iterator[tuple[str, Field]]:
            for f in fields:
                yield prefix + f.id, f
                if f.type == "repeat":
                    yield from rec(f"{prefix}{f.id}.*.", f.fields)
        yield from rec("", self.fields)

    @property
    def personal_fields(self) -> tuple[str, ...]:
        """Paths of fields tagged personal or sensitive (what encryption wraps)."""
        return tuple(p for p, f in self.walk() if f.personal and f.holds_data)

    @property
    def sealed_fields(self) -> frozenset[str]:
        """Paths (``family.*.name``) of the answers encrypted at rest."""
        return frozenset(p for p, f in self.walk() if f.sealed)

    @property
    def asks_personal_data(self) -> bool:
        return bool(self.personal_fields)

    @property
    def documents(self) -> tuple[Document, ...]:
        """The documents the form asks for, for the service guide ("what to bring")."""
        return tuple(Document(p, f.document or f.label, f.required, f.relevant)
                     for p, f in self.walk() if f.type == "file")

    def choice_label(self, list_name: str, value: str, lang: str) -> str:
        for c in self.choices.get(list_name, ()):
            if c.value == value:
                return c.label(lang)
        return value

    def summary(self, data: Mapping[str, Any], lang: str) -> list[tuple[str, str]]:
        """(label, answer) pairs in page order for the review summary and the check-your-answers page."""
        out: list[tuple[str, str]] = []

        def rec(fields: tuple[Field, ...], values: Mapping[str, Any], prefix: str) -> None:
            for f in fields:
                if not f.holds_data or f.id not in values:
                    continue
                v = values[f.id]
                if f.type == "repeat":
                    for i, item in enumerate(v or []):
                        name = (f.item_label or f.label)(lang)
                        n = arabic_digits(i + 1) if lang == "ar" else str(i + 1)  # as the page numbers them
                        rec(f.fields, item, f"{prefix}{name} {n} — ")
                else:
                    out.append((prefix + f.label(lang), display_value(self, f, v, lang)))

        rec(self.fields, data, "")
        return out


def display_value(form: FormDef, f: Field, v: Any, lang: str) -> str:
    """An answer as a person reads it (choice labels, yes/no words, money with the currency)."""
    if v is None:
        return ""
    if isinstance(v, str) and v[:1] in SEALED_MARKS:  # a sealed answer read without its key (records/sealing.py)
        return v
    if f.type == "choice" and f.choices:
        return form.choice_label(f.choices, str(v), lang)
    if f.type == "multi_choice" and f.choices:
        return ("، " if lang == "ar" else ", ").join(form.choice_label(f.choices, str(x), lang) for x in v)
    if f.type == "yes_no":
        return T("نعم", "yes")(lang) if v else T("لا", "no")(lang)
    if f.type == "money":
        return f"{v:,.2f} " + T("ريال", "SAR")(lang)
    if f.type == "date":
        import datetime as dt

        from mustafid.forms.validators import hijri_of

        try:
            return f"{v} ({hijri_of(dt.date.fromisoformat(v))} " + T("هـ", "AH")(lang) + ")"
        except (ValueError, OverflowError):
            return str(v)
    if f.type == "national_address" and isinstance(v, Mapping):
        return "، ".join(str(x) for x in v.values())
    return str(v)
