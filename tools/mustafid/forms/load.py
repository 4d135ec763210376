"""Parsing and checking form definitions (the language of docs/forms.md) into formdef's typed objects.

Every problem in every file is collected with its line before anything is refused, so an admin fixes a
definition in one pass. Shared groups and choice lists come from the package's ``formlib.yml`` (standard,
the same for every association) overlaid by the association's own ``forms/_library.yml``.
"""

from __future__ import annotations

import copy
import re
from pathlib import Path
from typing import Any

from mustafid.core.errors import ConfigError, NotFound, Problem
from mustafid.core.text import T
from mustafid.core.yamlio import line_of, load_rt, read_text
from mustafid.forms.model import (
    CALC_OPS,
    CONDITION_OPS,
    DEFAULT_ACCEPT,
    FIELD_TYPES,
    TAGS,
    Choice,
    Declaration,
    Field,
    FormDef,
    Page,
    Rule,
)

STANDARD_LIBRARY = Path(__file__).with_name("library.yml")
ID_RE = re.compile(r"^[a-z][a-z0-9_]*$")
FORM_ID_RE = re.compile(r"^[a-z][a-z0-9-]*$")

COMMON_KEYS = {"id", "type", "label", "hint", "required", "relevant", "tags", "retention_days", "constraints"}
TYPE_KEYS: dict[str, set[str]] = {
    "text": {"min_length", "max_length", "pattern", "pattern_message"},
    "long_text": {"min_length", "max_length"},
    "integer": {"min", "max"},
    "money": {"min", "max"},
    "date": {"min", "max", "calendar"},
    "choice": {"choices", "filter"},
    "multi_choice": {"choices", "filter", "min_choices", "max_choices"},
    "yes_no": set(), "phone": set(), "national_id": set(), "iban": set(), "email": set(), "national_address": set(),
    "file": {"accept", "max_size_mb", "multiple", "document"},
    "repeat": {"fields", "min", "max", "count", "item_label"},
    "note": {"text"},
    "calculated": {"calc"},
}
FORM_KEYS = {"form", "version", "title", "description", "audience", "retention_days", "declaration", "choices",
             "pages", "rules"}


class _Ctx:
    def __init__(self, file: str, doc: Any) -> None:
        self.file, self.doc, self.problems = file, doc, []  # type: ignore[var-annotated]

    def err(self, path: list[Any], ar: str, en: str) -> None:
        line = line_of(self.doc, path) if self.doc is not None else None
        self.problems.append(Problem(self.file, ".".join(map(str, path)), ar, en, line, "formdef"))


def _t(ctx: _Ctx, value: Any, path: list[Any], *, optional: bool = False) -> T | None:
    if value is None and optional:
        return None
    if isinstance(value, dict) and isinstance(value.get("ar"), str) and isinstance(value.get("en"), str) \
            and value["ar"].strip() and value["en"].strip():
        return T(value["ar"].strip(), value["en"].strip())
    ctx.err(path, "نص ثنائي اللغة مطلوب: {ar: ..., en: ...} وكلاهما غير فارغ",
            "a bilingual text is needed: {ar: ..., en: ...}, both non-empty")
    return None


def _load_yaml(path: Path, problems: list[Problem], fast: bool = False) -> tuple[Any, Any]:
    if fast:
        # Definitions are read on every command: a Rust loader first; ruamel (lines) only if anything is wrong.
        import ryaml

        try:
            return None, _plain(ryaml.loads(read_text(path)))
        except Exception:
            problems.append(Problem(str(path), "", "", "", None, "retry"))
            return None, None
    from ruamel.yaml.error import YAMLError  # the careful read only: clean definitions are read by ryaml

    try:
        doc = load_rt(read_text(path))
    except (YAMLError, UnicodeDecodeError, ValueError) as exc:
        mark = getattr(exc, "problem_mark", None)
        problems.append(Problem(str(path), "", "ملف YAML غير صالح: راجع المسافات البادئة والنقطتين",
                                "not valid YAML: " + str(exc).splitlines()[0], mark.line + 1 if mark else None, "yaml"))
        return None, None
    return doc, _plain(doc)


def _plain(node: Any) -> Any:
    """Round-trip nodes to builtin types (ruamel's ScalarInt/ScalarFloat would leak into schemas and JSON)."""
    if isinstance(node, dict):
        return {str(k): _plain(v) for k, v in node.items()}
    if isinstance(node, list):
        return [_plain(v) for v in node]
    if isinstance(node, bool):
        return bool(node)
    if isinstance(node, int):
        return int(node)
    if isinstance(node, float):
        return float(node)
    if isinstance(node, str):
        return str(node)
    return node


def load_library(forms_dir: Path, problems: list[Problem], fast: bool = False) -> dict[str, Any]:
    lib: dict[str, Any] = {"choices": {}, "groups": {}, "texts": {}}
    for path in (STANDARD_LIBRARY, forms_dir / "_library.yml"):
        if not path.is_file():
            continue
        _, data = _load_yaml(path, problems, fast)
        if isinstance(data, dict):
            for key in lib:
                lib[key].update(data.get(key) or {})
    return lib


def parse_forms_dir(forms_dir: Path) -> tuple[dict[str, FormDef], list[Problem]]:
    forms, problems = _parse_forms_dir(forms_dir, fast=True)
    if problems:  # read again carefully, for the lines
        forms, problems = _parse_forms_dir(forms_dir, fast=False)
    return forms, problems


def _parse_forms_dir(forms_dir: Path, fast: bool) -> tuple[dict[str, FormDef], list[Problem]]:
    problems: list[Problem] = []
    lib = load_library(forms_dir, problems, fast)
    forms: dict[str, FormDef] = {}
    for path in sorted(forms_dir.glob("*.yml")):
        if path.name.startswith("_"):
            continue
        doc, data = _load_yaml(path, problems, fast)
        if data is None:
            continue
        ctx = _Ctx(str(path), doc)
        form = parse_form(ctx, data, lib, path)
        problems += ctx.problems
        if form is not None:
            if form.id != path.stem:
                problems.append(Problem(str(path), "form", f"اسم الملف يجب أن يطابق معرّف النموذج: {form.id}.yml",
                                        f"the file name must match the form id: {form.id}.yml", line_of(doc, ["form"])))
            forms[form.id] = form
    return forms, problems


def _expand(ctx: _Ctx, items: Any, lib: dict[str, Any], path: list[Any]) -> list[tuple[dict[str, Any], list[Any]]]:
    """Fields with ``- use: group`` replaced by the group's fields (``except``/``override`` adjust them)."""
    out: list[tuple[dict[str, Any], list[Any]]] = []
    if not isinstance(items, list):
        ctx.err(path, "قائمة الحقول مطلوبة", "a list of fields is needed")
        return out
    for i, item in enumerate(items):
        if isinstance(item, dict) and "use" in item:
            group = lib["groups"].get(item["use"])
            if group is None:
                ctx.err(path + [i, "use"], f"لا توجد مجموعة حقول باسم «{item['use']}» في المكتبة",
                        f"there is no field group '{item['use']}' in the library")
                continue
            skip = set(item.get("except") or [])
            overrides = item.get("override") or {}
            for g in copy.deepcopy(group):
                if g.get("id") in skip:
                    continue
                g.update(overrides.get(g.get("id"), {}))
                out.append((g, path + [i]))
        else:
            out.append((item, path + [i]))
    return out


def parse_form(ctx: _Ctx, data: Any, lib: dict[str, Any], path: Path | None = None) -> FormDef | None:
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
        ctx.err(["version"], "رقم إصدار النموذج مطلوب (عدد صحيح من ١)", "the form version is required (an integer from 1)")
        version = 1
    title = _t(ctx, data.get("title"), ["title"])
    description = _t(ctx, data.get("description"), ["description"])
    choices = _parse_choices(ctx, {**lib["choices"], **(data.get("choices") or {})})
    seen: set[str] = set()
    pages = []
    for pi, p in enumerate(data.get("pages") or []):
        fields = tuple(f for f in (_parse_field(ctx, raw, where, choices, p.get("id", ""), lib)
                                   for raw, where in _expand(ctx, p.get("fields"), lib, ["pages", pi, "fields"])) if f)
        for f in fields:
            if f.id in seen:
                ctx.err(["pages", pi], f"المعرّف «{f.id}» مكرر في النموذج", f"field id '{f.id}' is used twice in the form")
            seen.add(f.id)
        pages.append(Page(str(p.get("id", f"page{pi + 1}")), _t(ctx, p.get("title"), ["pages", pi, "title"]) or T("", ""),
                          _t(ctx, p.get("intro"), ["pages", pi, "intro"], optional=True), fields))
    if not pages:
        ctx.err(["pages"], "صفحة واحدة على الأقل مطلوبة", "at least one page is needed")
    decl_raw = data.get("declaration") or {}
    texts = lib["texts"]
    confirm = _t(ctx, texts.get(decl_raw.get("confirm"), decl_raw.get("confirm")), ["declaration", "confirm"])
    consent = _t(ctx, texts.get(decl_raw.get("consent"), decl_raw.get("consent")), ["declaration", "consent"], optional=True)
    rules = tuple(_parse_rule(ctx, r, i) for i, r in enumerate(data.get("rules") or []))
    form = FormDef(id=form_id, version=version, title=title or T("", ""), description=description or T("", ""),
                   pages=tuple(pages), choices=choices, declaration=Declaration(confirm or T("", ""), consent),
                   rules=tuple(r for r in rules if r), retention_days=int(data.get("retention_days", 3650)),
                   audience=str(data.get("audience", "public")), path=path, raw=data)
    if form.asks_personal_data and consent is None:
        ctx.err(["declaration"], "النموذج يطلب بيانات شخصية: أضف نص الموافقة declaration.consent (نظام حماية البيانات الشخصية)",
                "the form asks for personal data: add declaration.consent (PDPL consent)")
    _check_refs(ctx, form)
    return form


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


def _parse_field(ctx: _Ctx, raw: Any, where: list[Any], choices: dict[str, Any], page: str,
                 lib: dict[str, Any]) -> Field | None:
    if not isinstance(raw, dict):
        ctx.err(where, "كل حقل قاموس فيه id و type", "each field is a mapping with id and type")
        return None
    fid, ftype = raw.get("id"), raw.get("type")
    if not isinstance(fid, str) or not ID_RE.match(fid):
        ctx.err(where + ["id"], "معرّف الحقل مطلوب بحروف لاتينية صغيرة وأرقام و _", "a field id is required: lower-case Latin letters, digits and _")
        return None
    if ftype not in FIELD_TYPES:
        ctx.err(where + ["type"], f"نوع الحقل «{ftype}» غير معروف: الأنواع هي " + "، ".join(sorted(FIELD_TYPES)),
                f"unknown field type '{ftype}': the types are " + ", ".join(sorted(FIELD_TYPES)))
        return None
    for k in sorted(set(raw) - COMMON_KEYS - TYPE_KEYS[ftype]):
        ctx.err(where + [k], f"المفتاح «{k}» لا يصلح لحقل من نوع {ftype}", f"key '{k}' does not apply to a {ftype} field")
    req = raw.get("required", False)
    kw: dict[str, Any] = dict(
        id=fid, type=ftype, label=_t(ctx, raw.get("label"), where + ["label"]) or T(fid, fid),
        hint=_t(ctx, raw.get("hint"), where + ["hint"], optional=True),
        required=bool(req), required_message=_t(ctx, req, where + ["required"]) if isinstance(req, dict) else None,
        relevant=raw.get("relevant"), tags=frozenset(raw.get("tags") or ()), retention_days=raw.get("retention_days"),
        page=page, min=raw.get("min"), max=raw.get("max"), min_length=raw.get("min_length"),
        max_length=raw.get("max_length", 200 if ftype == "text" else 4000 if ftype == "long_text" else None),
        pattern=raw.get("pattern"), pattern_message=_t(ctx, raw.get("pattern_message"), where + ["pattern_message"], optional=True),
        calendar=raw.get("calendar", "either"), choices=raw.get("choices"), choice_filter=raw.get("filter"),
        min_choices=raw.get("min_choices"), max_choices=raw.get("max_choices"),
        accept=tuple(raw.get("accept") or (DEFAULT_ACCEPT if ftype == "file" else ())),
        max_size_mb=float(raw.get("max_size_mb", 5)), multiple=bool(raw.get("multiple", False)),
        document=_t(ctx, raw.get("document"), where + ["document"], optional=True),
        item_label=_t(ctx, raw.get("item_label"), where + ["item_label"], optional=True),
        calc=raw.get("calc"), text=_t(ctx, raw.get("text"), where + ["text"], optional=True),
    )
    if bad := kw["tags"] - TAGS:
        ctx.err(where + ["tags"], "الوسوم المسموحة: personal و sensitive", f"allowed tags are personal and sensitive, not {sorted(bad)}")
    cons = []
    for ci, c in enumerate(raw.get("constraints") or []):
        msg = _t(ctx, c.get("message") if isinstance(c, dict) else None, where + ["constraints", ci, "message"])
        if isinstance(c, dict) and "check" in c and msg:
            cons.append({"check": c["check"], "message": msg})
        elif isinstance(c, dict) and "check" not in c:
            ctx.err(where + ["constraints", ci], "كل قيد يحتاج check و message", "each constraint needs check and message")
    kw["constraints"] = tuple(cons)
    if ftype in ("choice", "multi_choice") and kw["choices"] not in choices:
        ctx.err(where + ["choices"], f"قائمة الخيارات «{kw['choices']}» غير معرّفة", f"choice list '{kw['choices']}' is not defined")
    if ftype == "repeat":
        kw["fields"] = tuple(f for f in (_parse_field(ctx, r, w, choices, page, lib)
                                         for r, w in _expand(ctx, raw.get("fields"), lib, where + ["fields"])) if f)
        kw["min_items"], kw["max_items"], kw["count_from"] = int(raw.get("min", 0)), raw.get("max"), raw.get("count")
        kw["min"] = kw["max"] = None
    if ftype == "calculated":
        calc = raw.get("calc")
        if not isinstance(calc, dict) or len(calc) != 1 or next(iter(calc)) not in CALC_OPS:
            ctx.err(where + ["calc"], "الحساب واحد من: " + "، ".join(CALC_OPS), "calc is one of: " + ", ".join(CALC_OPS))
    if ftype == "note" and kw["text"] is None:
        ctx.err(where + ["text"], "الملاحظة تحتاج نصاً ثنائي اللغة text", "a note needs a bilingual text")
    if ftype == "text" and kw["pattern"]:
        try:
            re.compile(kw["pattern"])
        except re.error:
            ctx.err(where + ["pattern"], "التعبير النمطي غير صالح", "the pattern is not a valid regular expression")
    return Field(**kw)


def _parse_rule(ctx: _Ctx, raw: Any, i: int) -> Rule | None:
    if not isinstance(raw, dict) or "check" not in raw:
        ctx.err(["rules", i], "كل قاعدة تحتاج id و check و message و path", "each rule needs id, check, message and path")
        return None
    msg = _t(ctx, raw.get("message"), ["rules", i, "message"])
    return Rule(str(raw.get("id", f"rule{i + 1}")), raw["check"], msg or T("", ""), str(raw.get("path", "")), raw.get("when"))


def condition_refs(cond: Any) -> list[str]:
    """Field ids a condition reads (``{field: x}`` operands too)."""
    out: list[str] = []
    if isinstance(cond, dict):
        for k, v in cond.items():
            if k == "field" and isinstance(v, str):
                out.append(v)
            elif k in ("all", "any") and isinstance(v, list):
                for c in v:
                    out += condition_refs(c)
            elif k == "not" or (k in CONDITION_OPS and isinstance(v, dict)):
                out += condition_refs(v)
    return out


def _leaves(cond: Any) -> list[dict[str, Any]]:
    """The ``{field: ..., op: ...}`` comparisons inside a condition."""
    if not isinstance(cond, dict):
        return []
    if isinstance(cond.get("field"), str):
        return [cond]
    out: list[dict[str, Any]] = []
    for k in ("all", "any"):
        for c in cond.get(k) or ():
            out += _leaves(c)
    return out + _leaves(cond.get("not"))


def _check_refs(ctx: _Ctx, form: FormDef) -> None:
    """Conditions, counts, filters and calculations must name fields that exist."""
    top = {f.id: f for f in form.fields}

    def known(name: str, scope: dict[str, Field]) -> bool:
        return name == "." or name in scope or name in top

    def check_cond(cond: Any, where: str, scope: dict[str, Field]) -> None:
        if cond is None:
            return
        if not isinstance(cond, dict):
            ctx.err([], f"{where}: الشرط يجب أن يكون قاموساً", f"{where}: a condition must be a mapping")
            return
        ops = set(cond) - {"field"}
        if "field" in cond and not (ops & set(CONDITION_OPS)):
            ctx.err([], f"{where}: الشرط يحتاج عملية من: " + "، ".join(CONDITION_OPS), f"{where}: the condition needs one of: " + ", ".join(CONDITION_OPS))
        for name in condition_refs(cond):
            if not known(name, scope):
                ctx.err([], f"{where}: الشرط يشير إلى حقل غير موجود «{name}»", f"{where}: the condition refers to an unknown field '{name}'")
        for leaf in _leaves(cond):
            target = scope.get(leaf["field"]) or top.get(leaf["field"])
            if target is None:
                continue
            if target.type == "multi_choice" and (set(leaf) & {"in", "not_in"} or any(
                    op in leaf and not isinstance(leaf[op], list) for op in ("equals", "not_equals"))):
                ctx.err([], f"{where}: «{leaf['field']}» اختيار متعدد قيمته قائمة، فلا تصح معه equals أو in؛ استعمل "
                            f"includes، مثل {{not: {{field: {leaf['field']}, includes: none}}}}",
                        f"{where}: '{leaf['field']}' is a multi-choice field (its answer is a list): equals/in never match "
                        f"it; use includes, e.g. {{not: {{field: {leaf['field']}, includes: none}}}}")
            if "includes" in leaf and target.type != "multi_choice":
                ctx.err([], f"{where}: includes لحقول الاختيار المتعدد فقط؛ استعمل equals أو in مع «{leaf['field']}»",
                        f"{where}: includes is for multi-choice fields only; use equals or in with '{leaf['field']}'")

    def rec(fields: tuple[Field, ...], prefix: str) -> None:
        scope = {f.id: f for f in fields}
        for f in fields:
            where = prefix + f.id
            check_cond(f.relevant, where, scope)
            for c in f.constraints:
                check_cond(c["check"], where, scope)
            if f.choice_filter and not known(f.choice_filter, scope):
                ctx.err([], f"{where}: filter يشير إلى حقل غير موجود", f"{where}: filter refers to an unknown field")
            if f.count_from and (f.count_from not in top or top[f.count_from].type != "integer"):
                ctx.err([], f"{where}: count يجب أن يشير إلى حقل عدد صحيح", f"{where}: count must name an integer field")
            if f.calc:
                for ref in _calc_refs(f.calc):
                    if ref.split(".")[0] not in scope and ref.split(".")[0] not in top:
                        ctx.err([], f"{where}: الحساب يشير إلى حقل غير موجود «{ref}»", f"{where}: calc refers to an unknown field '{ref}'")
            if f.type == "repeat":
                rec(f.fields, where + ".*.")

    rec(form.fields, "")
    for r in form.rules:
        check_cond(r.check, f"rules.{r.id}", {})
        check_cond(r.when, f"rules.{r.id}", {})


def _calc_refs(calc: Any) -> list[str]:
    if not isinstance(calc, dict) or not calc:
        return []
    arg = next(iter(calc.values()))
    return [a for a in (arg if isinstance(arg, list) else [arg]) if isinstance(a, str)]


def load_forms(assoc: Any) -> dict[str, FormDef]:
    """Every form of an association (``assoc.forms_dir/*.yml``), keyed by form id. Raises ConfigError listing
    every problem of every definition."""
    return load_forms_dir(Path(assoc.forms_dir))


_CACHE: dict[tuple[str, tuple[tuple[str, int, int], ...]], dict[str, FormDef]] = {}


def load_forms_dir(forms_dir: Path) -> dict[str, FormDef]:
    forms_dir = forms_dir.resolve()
    # Every file's name, size and mtime: an edit, an addition or a removal all reload.
    stamp = tuple(sorted((p.name, p.stat().st_size, p.stat().st_mtime_ns) for p in forms_dir.glob("*.yml")))
    key = (str(forms_dir), stamp)
    if key not in _CACHE:
        forms, problems = parse_forms_dir(forms_dir)
        if problems:
            raise ConfigError(f"في تعريفات النماذج {len(problems)} مشكلة، صحّحها ثم أعد المحاولة",
                              f"the form definitions have {len(problems)} problem(s); fix them and try again", problems)
        _CACHE[key] = forms
    return _CACHE[key]


def load_form(assoc: Any, form_id: str) -> FormDef:
    forms = load_forms(assoc)
    if form_id not in forms:
        raise NotFound(f"لا يوجد نموذج باسم «{form_id}»", f"there is no form '{form_id}'",
                       [Problem(str(assoc.forms_dir), "", "النماذج المتاحة: " + "، ".join(sorted(forms)),
                                "available forms: " + ", ".join(sorted(forms)))])
    return forms[form_id]
