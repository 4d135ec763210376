"""Reading one form definition (the language of docs/forms.md) into forms.model's typed objects.

Every problem is collected with its line before anything is refused, so an admin fixes a definition in one pass.
What each field type allows and needs is its own (forms/types: ``keys`` and ``define``); the references between
fields are checked last (forms/references.py).
"""

from __future__ import annotations

import copy
import re
from pathlib import Path
from typing import Any

from mustafid.core.errors import Problem
from mustafid.core.reference import NAMED_PATTERNS
from mustafid.core.text import T
from mustafid.core.vocab import KINDS
from mustafid.core.yamlio import line_of
from mustafid.forms.model import TAGS, Choice, Declaration, Field, FormDef, Page, Rule
from mustafid.forms.references import check_refs
from mustafid.forms.types.registry import FIELD_TYPES, TYPES

ID_RE = re.compile(r"^[a-z][a-z0-9_]*$")
FORM_ID_RE = re.compile(r"^[a-z][a-z0-9-]*$")
COMMON_KEYS = {"id", "type", "label", "hint", "required", "relevant", "tags", "retention_days", "constraints"}
FORM_KEYS = {"form", "version", "kind", "title", "description", "audience", "retention_days", "declaration",
             "choices", "pages", "rules"}


class _Ctx:
    """One file being read: its problems, and what its fields may use (choice lists, the library's groups)."""

    def __init__(self, file: str, doc: Any, lib: dict[str, Any]) -> None:
        self.file, self.doc, self.lib = file, doc, lib
        self.problems: list[Problem] = []
        self.choices: dict[str, tuple[Choice, ...]] = {}

    def err(self, path: list[Any], ar: str, en: str) -> None:
        line = line_of(self.doc, path) if self.doc is not None else None
        self.problems.append(Problem(self.file, ".".join(map(str, path)), ar, en, line, "formdef"))

    def sub_fields(self, items: Any, where: list[Any], page: str) -> tuple[Field, ...]:
        """The fields of a list in the definition (a page's, a repeat group's), library groups expanded."""
        return tuple(f for f in (_parse_field(self, raw, at, page) for raw, at in _expand(self, items, where)) if f)


def read_form(file: str, doc: Any, data: Any, lib: dict[str, Any], path: Path | None = None
              ) -> tuple[FormDef | None, list[Problem]]:
    """The form of one definition file (``doc``: its round-trip YAML for lines, or None) and its problems."""
    ctx = _Ctx(file, doc, lib)
    return parse_form(ctx, data, path), ctx.problems


def _t(ctx: _Ctx, value: Any, path: list[Any], *, optional: bool = False) -> T | None:
    if value is None and optional:
        return None
    if isinstance(value, dict) and isinstance(value.get("ar"), str) and isinstance(value.get("en"), str) \
            and value["ar"].strip() and value["en"].strip():
        return T(value["ar"].strip(), value["en"].strip())
    ctx.err(path, "نص ثنائي اللغة مطلوب: {ar: ..., en: ...} وكلاهما غير فارغ",
            "a bilingual text is needed: {ar: ..., en: ...}, both non-empty")
    return None


def _expand(ctx: _Ctx, items: Any, path: list[Any]) -> list[tuple[dict[str, Any], list[Any]]]:
    """Fields with ``- use: group`` replaced by the group's fields (``except``/``override`` adjust them)."""
    out: list[tuple[dict[str, Any], list[Any]]] = []
    if not isinstance(items, list):
        ctx.err(path, "قائمة الحقول مطلوبة", "a list of fields is needed")
        return out
    for i, item in enumerate(items):
        if isinstance(item, dict) and "use" in item:
            group = ctx.lib["groups"].get(item["use"])
            if group is None:
                ctx.err([*path, i, "use"], f"لا توجد مجموعة حقول باسم «{item['use']}» في المكتبة",
                        f"there is no field group '{item['use']}' in the library")
                continue
            skip = set(item.get("except") or [])
            overrides = item.get("override") or {}
            for g in copy.deepcopy(group):
                if g.get("id") in skip:
                    continue
                g.update(overrides.get(g.get("id"), {}))
                out.append((g, [*path, i]))
        else:
            out.append((item, [*path, i]))
    return out


def parse_form(ctx: _Ctx, data: Any, path: Path | None = None) -> FormDef | None:
    if not isinstance(data, dict):
        ctx.err([], "تعريف النموذج يجب أن يكون قاموساً", "a form definition must be a mapping")
        return None
    for k in sorted(set(data) - FORM_KEYS):
        ctx.err([k], f"مفتاح غير معروف «{k}»: احذفه أو صحّح اسمه", f"unknown key '{k}': remove it or correct its name")
    form_id = data.get("form")
    if not isinstance(form_id, str) or not FORM_ID_RE.match(form_id):
        ctx.err(["form"], "معرّف النموذج مطلوب بحروف لاتينية صغيرة وشرطات مثل support-request",
                "the form id is required, in lower-case Latin letters and hyphens, like support-request")
        form_id = "?"
    version = data.get("version")
    if not isinstance(version, int) or isinstance(version, bool) or version < 1:
        ctx.err(["version"], "رقم إصدار النموذج مطلوب (عدد صحيح من ١)",
                "the form version is required (an integer from 1)")
        version = 1
    kind = data.get("kind", "request")
    if kind not in KINDS:
        ctx.err(["kind"], f"نوع النموذج «{kind}» غير معروف: اكتب request (طلب تقرره اللجنة) أو feedback (شكوى أو "
                          "اقتراح تجيب عنه الجمعية) أو survey (استبانة تُسجَّل فقط)",
                f"unknown form kind '{kind}': write request (a committee decides), feedback (a complaint or "
                "suggestion the association answers) or survey (recorded only)")
        kind = "request"
    title = _t(ctx, data.get("title"), ["title"])
    description = _t(ctx, data.get("description"), ["description"])
    ctx.choices = _parse_choices(ctx, {**ctx.lib["choices"], **(data.get("choices") or {})})
    pages = _parse_pages(ctx, data.get("pages") or [])
    decl_raw = data.get("declaration") or {}
    texts = ctx.lib["texts"]
    confirm = _t(ctx, texts.get(decl_raw.get("confirm"), decl_raw.get("confirm")), ["declaration", "confirm"])
    consent = _t(ctx, texts.get(decl_raw.get("consent"), decl_raw.get("consent")), ["declaration", "consent"],
                 optional=True)
    rules = tuple(_parse_rule(ctx, r, i) for i, r in enumerate(data.get("rules") or []))
    form = FormDef(id=form_id, version=version, title=title or T("", ""), description=description or T("", ""),
                   pages=pages, choices=ctx.choices, declaration=Declaration(confirm or T("", ""), consent),
                   rules=tuple(r for r in rules if r), retention_days=int(data.get("retention_days", 3650)),
                   audience=str(data.get("audience", "public")), kind=str(kind), path=path, raw=data)
    if form.asks_personal_data and consent is None:
        ctx.err(["declaration"], "النموذج يطلب بيانات شخصية: أضف نص الموافقة declaration.consent "
                                 "(نظام حماية البيانات الشخصية)",
                "the form asks for personal data: add declaration.consent (PDPL consent)")
    check_refs(ctx, form)
    return form


def _parse_pages(ctx: _Ctx, raw: list[Any]) -> tuple[Page, ...]:
    seen: set[str] = set()
    pages = []
    for pi, p in enumerate(raw):
        fields = ctx.sub_fields(p.get("fields"), ["pages", pi, "fields"], p.get("id", ""))
        for f in fields:
            if f.id in seen:
                ctx.err(["pages", pi], f"المعرّف «{f.id}» مكرر في النموذج",
                        f"field id '{f.id}' is used twice in the form")
            seen.add(f.id)
        title = _t(ctx, p.get("title"), ["pages", pi, "title"]) or T("", "")
        pages.append(Page(str(p.get("id", f"page{pi + 1}")), title,
                          _t(ctx, p.get("intro"), ["pages", pi, "intro"], optional=True), fields))
    if not pages:
        ctx.err(["pages"], "صفحة واحدة على الأقل مطلوبة", "at least one page is needed")
    return tuple(pages)


def _parse_choices(ctx: _Ctx, raw: dict[str, Any]) -> dict[str, tuple[Choice, ...]]:
    out = {}
    for name, items in raw.items():
        lst = []
        for i, c in enumerate(items or []):
            if not isinstance(c, dict) or "value" not in c:
                ctx.err(["choices", name, i], "كل خيار يحتاج value و ar و en", "each choice needs value, ar and en")
                continue
            label = _t(ctx, {"ar": c.get("ar"), "en": c.get("en")}, ["choices", name, i])
            attrs = {k: str(v) for k, v in c.items() if k not in ("value", "ar", "en")}
            lst.append(Choice(str(c["value"]), label or T("", ""), attrs))
        out[name] = tuple(lst)
    return out


def _parse_field(ctx: _Ctx, raw: Any, where: list[Any], page: str) -> Field | None:
    if not isinstance(raw, dict):
        ctx.err(where, "كل حقل قاموس فيه id و type", "each field is a mapping with id and type")
        return None
    fid, ftype = raw.get("id"), raw.get("type")
    if not isinstance(fid, str) or not ID_RE.match(fid):
        ctx.err([*where, "id"], "معرّف الحقل مطلوب بحروف لاتينية صغيرة وأرقام و _",
                "a field id is required: lower-case Latin letters, digits and _")
        return None
    if ftype not in FIELD_TYPES:
        ctx.err([*where, "type"], f"نوع الحقل «{ftype}» غير معروف: الأنواع هي " + "، ".join(sorted(FIELD_TYPES)),
                f"unknown field type '{ftype}': the types are " + ", ".join(sorted(FIELD_TYPES)))
        return None
    unit = TYPES[ftype]
    for k in sorted(set(raw) - COMMON_KEYS - unit.keys):
        ctx.err([*where, k], f"المفتاح «{k}» لا يصلح لحقل من نوع {ftype}",
                f"key '{k}' does not apply to a {ftype} field")
    kw = _field_args(ctx, raw, where, page)
    if bad := kw["tags"] - TAGS:
        ctx.err([*where, "tags"], "الوسوم المسموحة: personal و sensitive و public (نص طويل غير شخصي)",
                f"allowed tags are personal, sensitive and public (a long text that is not personal), not "
                f"{sorted(bad)}")
    cons = []
    for ci, c in enumerate(raw.get("constraints") or []):
        msg = _t(ctx, c.get("message") if isinstance(c, dict) else None, [*where, "constraints", ci, "message"])
        if isinstance(c, dict) and "check" in c and msg:
            cons.append({"check": c["check"], "message": msg})
        elif isinstance(c, dict) and "check" not in c:
            ctx.err([*where, "constraints", ci], "كل قيد يحتاج check و message",
                    "each constraint needs check and message")
    kw["constraints"] = tuple(cons)
    unit.define(ctx, raw, kw, where)
    return Field(**kw)


def _field_args(ctx: _Ctx, raw: dict[str, Any], where: list[Any], page: str) -> dict[str, Any]:
    """The Field's arguments every type reads the same way (a type's ``define`` completes them)."""
    fid, req = raw["id"], raw.get("required", False)

    def text(key: str) -> T | None:
        return _t(ctx, raw.get(key), [*where, key], optional=True)

    return {
        "id": fid, "type": raw["type"], "label": _t(ctx, raw.get("label"), [*where, "label"]) or T(fid, fid),
        "hint": text("hint"), "required": bool(req),
        "required_message": _t(ctx, req, [*where, "required"]) if isinstance(req, dict) else None,
        "relevant": raw.get("relevant"), "tags": frozenset(raw.get("tags") or ()),
        "retention_days": raw.get("retention_days"), "page": page, "min": raw.get("min"), "max": raw.get("max"),
        "min_length": raw.get("min_length"), "max_length": raw.get("max_length"),
        "pattern": NAMED_PATTERNS.get(str(raw.get("pattern")), raw.get("pattern")),  # "@reference": core/reference.py
        "pattern_message": text("pattern_message"), "calendar": raw.get("calendar", "either"),
        "choices": raw.get("choices"), "choice_filter": raw.get("filter"), "min_choices": raw.get("min_choices"),
        "max_choices": raw.get("max_choices"), "accept": tuple(raw.get("accept") or ()),
        "max_size_mb": float(raw.get("max_size_mb", 5)), "multiple": bool(raw.get("multiple", False)),
        "document": text("document"), "item_label": text("item_label"), "calc": raw.get("calc"), "text": text("text"),
    }


def _parse_rule(ctx: _Ctx, raw: Any, i: int) -> Rule | None:
    if not isinstance(raw, dict) or "check" not in raw:
        ctx.err(["rules", i], "كل قاعدة تحتاج id و check و message و path",
                "each rule needs id, check, message and path")
        return None
    msg = _t(ctx, raw.get("message"), ["rules", i, "message"])
    return Rule(str(raw.get("id", f"rule{i + 1}")), raw["check"], msg or T("", ""), str(raw.get("path", "")),
                raw.get("when"))
